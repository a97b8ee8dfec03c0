using System.Globalization;
using System.Net;
using System.Text;

namespace DnnC.Simulator.Reports;

/// <summary>One bar per layer, optionally stacked from two series, drawn as plain inline SVG (no scripts, no fetches).</summary>
internal sealed record SvgBarChart(string Id, string Title, string Unit, IReadOnlyList<string> Labels, IReadOnlyList<double> Values,
    string Color, IReadOnlyList<double>? Stacked = null, string? StackedColor = null, string? StackedName = null, string? ValuesName = null)
{
    private const int Width = 1120, Height = 250, Left = 78, Right = 16, Top = 34, Bottom = 34;

    public string Render()
    {
        var svg = new StringBuilder();
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        int n = Math.Max(1, Values.Count);
        double max = Enumerable.Range(0, Values.Count).Select(i => Values[i] + (Stacked?[i] ?? 0)).DefaultIfEmpty(0).Max();
        double top = NiceCeiling(max);
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{Id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" class=\"title\">{Encode(Title)}</text>");
        Legend(svg);
        for (int g = 0; g <= 4; g++)
        {
            double v = top * g / 4;
            double y = Top + plotH - plotH * g / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"axis\" text-anchor=\"end\">{Encode(Format(v))}</text>");
        }
        double slot = (double)plotW / n, bar = Math.Max(1, slot * 0.78);
        int labelEvery = Math.Max(1, (int)Math.Ceiling(n / 28.0));
        for (int i = 0; i < Values.Count; i++)
        {
            double x = Left + i * slot + (slot - bar) / 2;
            double h1 = top == 0 ? 0 : plotH * Values[i] / top;
            double h2 = top == 0 || Stacked is null ? 0 : plotH * Stacked[i] / top;
            string tip = $"{Labels[i]}: {Format(Values[i])}{(Stacked is null ? "" : $" + {Format(Stacked[i])} {StackedName}")}";
            svg.Append("<g><title>").Append(Encode(tip)).Append("</title>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x:0.##}\" y=\"{Top + plotH - h1:0.##}\" width=\"{bar:0.##}\" height=\"{h1:0.##}\" fill=\"{Color}\"/>");
            if (Stacked is not null)
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:0.##}\" y=\"{Top + plotH - h1 - h2:0.##}\" width=\"{bar:0.##}\" height=\"{h2:0.##}\" fill=\"{StackedColor}\"/>");
            svg.Append("</g>");
            if (i % labelEvery == 0)
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{x + bar / 2:0.##}\" y=\"{Top + plotH + 16}\" class=\"axis\" text-anchor=\"middle\">{i}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Top + plotH}\" y2=\"{Top + plotH}\" class=\"base\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private void Legend(StringBuilder svg)
    {
        if (Stacked is null) return;
        int x = Width - Right - 260;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"10\" width=\"12\" height=\"12\" fill=\"{Color}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 16}\" y=\"20\" class=\"axis\">{Encode(ValuesName ?? "")}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + 130}\" y=\"10\" width=\"12\" height=\"12\" fill=\"{StackedColor}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 146}\" y=\"20\" class=\"axis\">{Encode(StackedName ?? "")}</text>");
    }

    private string Format(double v) => Unit == "%" ? v.ToString("0.#", CultureInfo.InvariantCulture) + "%" : ReportFormat.Engineering(v, Unit);

    /// <summary>1, 2 or 5 times a power of ten, at or above <paramref name="v"/>.</summary>
    private static double NiceCeiling(double v)
    {
        if (v <= 0) return 1;
        double power = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double step in new[] { 1, 2, 5, 10 })
            if (step * power >= v) return step * power;
        return 10 * power;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
