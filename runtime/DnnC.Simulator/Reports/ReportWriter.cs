namespace DnnC.Simulator.Reports;

/// <summary>Writes every report into a directory, all or nothing: a hidden sibling is filled, then moved into place.</summary>
public static class ReportWriter
{
    public static readonly string[] FileNames =
        ["COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv", "report.json", "report.html"];

    public static void WriteAll(SimulationReport report, string directory)
    {
        directory = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(directory) ?? throw new ArgumentException($"'{directory}' has no parent directory");
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(directory)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllText(Path.Combine(staging, "COMPUTE_REPORT.csv"), CsvReports.Compute(report));
            File.WriteAllText(Path.Combine(staging, "BANDWIDTH_REPORT.csv"), CsvReports.Bandwidth(report));
            File.WriteAllText(Path.Combine(staging, "DETAILED_ACCESS_REPORT.csv"), CsvReports.DetailedAccess(report));
            File.WriteAllText(Path.Combine(staging, "report.json"), JsonReport.Write(report));
            File.WriteAllText(Path.Combine(staging, "report.html"), HtmlReport.Write(report));
            string? old = null;
            if (Directory.Exists(directory))
            {
                old = Path.Combine(parent, $".{Path.GetFileName(directory)}.old-{Guid.NewGuid():N}");
                Directory.Move(directory, old);
            }
            Directory.Move(staging, directory);
            if (old is not null) Directory.Delete(old, recursive: true);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }
}
