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
        if (unit == "B") return Bytes(value);
        string[] prefixes = ["", "k", "M", "G", "T", "P"];
        if (Math.Abs(value) < 1000 && value == Math.Round(value)) return value.ToString("0", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : "");
        int p = 0;
        while (Math.Abs(value) >= 1000 && p < prefixes.Length - 1)
        {
            value /= 1000;
            p++;
        }
        return value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " " + prefixes[p] + unit;
    }

    /// <summary>Bytes with binary prefixes, as buffer sizes are quoted.</summary>
    public static string Bytes(double bytes)
    {
        string[] prefixes = ["B", "KiB", "MiB", "GiB", "TiB"];
        int p = 0;
        while (Math.Abs(bytes) >= 1024 && p < prefixes.Length - 1)
        {
            bytes /= 1024;
            p++;
        }
        string digits = p == 0 || bytes >= 100 ? "0" : bytes >= 10 ? "0.0" : "0.00";
        return bytes.ToString(digits, CultureInfo.InvariantCulture) + " " + prefixes[p];
    }

    /// <summary>A quantity in base units (s, J) with an SI prefix from pico to tera: 8.72 ms, 14.2 mJ.</summary>
    public static string Si(double value, string unit)
    {
        if (value == 0) return "0 " + unit;
        (double Scale, string Prefix)[] prefixes =
            [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p")];
        foreach (var (scale, prefix) in prefixes)
        {
            if (Math.Abs(value) < scale && scale > 1e-12) continue;
            double v = value / scale;
            return v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " " + prefix + unit;
        }
        return value.ToString("0.###E+0", CultureInfo.InvariantCulture) + " " + unit;
    }
}
