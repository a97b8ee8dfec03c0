using System.Globalization;

namespace DnnC.Simulator.Reports;

internal static class ReportFormat
{
    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Percent(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A CSV field: quoted when it holds a separator, a quote or a line break (names come from models).</summary>
    public static string Csv(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    public static string Engineering(double value, string unit)
    {
        string[] prefixes = ["", "k", "M", "G", "T", "P"];
        int p = 0;
        while (Math.Abs(value) >= 1000 && p < prefixes.Length - 1)
        {
            value /= 1000;
            p++;
        }
        return value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " " + prefixes[p] + unit;
    }
}
