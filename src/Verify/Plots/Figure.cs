using ScottPlot;
using SimplicityBias.Verify.Results;

namespace SimplicityBias.Verify.Plots;

/// <summary>A saved figure: PNG and SVG files, with a title and a caption for reports.</summary>
/// <param name="Name">File stem.</param>
/// <param name="Title">Title.</param>
/// <param name="Caption">What it shows, one or two sentences.</param>
/// <param name="PngPath">Path of the PNG.</param>
/// <param name="SvgPath">Path of the SVG.</param>
public sealed record Figure(string Name, string Title, string Caption, string PngPath, string SvgPath);

/// <summary>Shared plot styling and saving (PNG and SVG, each written atomically).</summary>
internal static class FigureFile
{
    public const int Width = 900, Height = 560;

    public static readonly ScottPlot.Palettes.Category10 Palette = new();

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plt = new Plot();
        plt.Font.Set("DejaVu Sans");
        plt.Title(title, 18);
        plt.XLabel(xLabel, 15);
        plt.YLabel(yLabel, 15);
        plt.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plt.Axes.Left.TickLabelStyle.FontSize = 13;
        return plt;
    }

    /// <summary>
    /// Makes an axis show 10^v for plotted values v (data are plotted as log10). Over fewer than three
    /// decades the labels are at 1, 2 and 5 times powers of ten, otherwise at powers of ten only.
    /// </summary>
    public static void LogAxis(IAxis axis, double minLog, double maxLog)
    {
        if (!double.IsFinite(minLog) || !double.IsFinite(maxLog)) { minLog = 0; maxLog = 1; }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        bool dense = maxLog - minLog < 3;
        for (int e = (int)Math.Floor(minLog) - 1; e <= (int)Math.Ceiling(maxLog) + 1; e++)
            for (int k = 1; k <= 9; k++)
            {
                double v = e + Math.Log10(k);
                if (k == 1 || (dense && (k == 2 || k == 5))) ticks.AddMajor(v, LogLabel(v));
                else ticks.AddMinor(v);
            }
        axis.TickGenerator = ticks;
    }

    /// <summary>Log axis over the range of the given log10 values.</summary>
    public static void LogAxis(IAxis axis, IEnumerable<double> logValues)
    {
        var v = logValues.Where(double.IsFinite).ToArray();
        LogAxis(axis, v.Length > 0 ? v.Min() : 0, v.Length > 0 ? v.Max() : 1);
    }

    public static string LogLabel(double v)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        double x = Math.Pow(10, v);
        if (x >= 1e-3 && x < 1e6) return Math.Round(x, 3).ToString("0.###", inv);
        int e = (int)Math.Floor(v + 1e-9);
        double m = Math.Round(x / Math.Pow(10, e));
        return (m == 1 ? "" : m.ToString("0", inv) + "·") + "1e" + e.ToString(inv);
    }

    public static Figure Save(Plot plt, string dir, string name, string title, string caption, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, name + ".png");
        var svg = Path.Combine(dir, name + ".svg");
        AtomicFile.WriteAllBytes(png, plt.GetImageBytes(width, height, ImageFormat.Png));
        AtomicFile.WriteAllText(svg, plt.GetSvgXml(width, height));
        return new Figure(name, title, caption, png, svg);
    }

    /// <summary>Panels side by side (or in a grid of <paramref name="columns"/> columns): PNG through a multiplot, SVG as nested svg elements.</summary>
    public static Figure SavePanels(IReadOnlyList<Plot> panels, string dir, string name, string title, string caption, int panelWidth = 520, int height = 620, int columns = 0)
    {
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, name + ".png");
        var svg = Path.Combine(dir, name + ".svg");
        int cols = columns <= 0 ? panels.Count : Math.Min(columns, panels.Count);
        int rows = (panels.Count + cols - 1) / cols;
        var mp = new Multiplot(panels[0]);
        mp.Layout = rows == 1 ? new ScottPlot.MultiplotLayouts.Columns() : new ScottPlot.MultiplotLayouts.Grid(rows, cols);
        for (int i = 1; i < panels.Count; i++) mp.AddPlot(panels[i]);
        var image = mp.Render(panelWidth * cols, height * rows);
        AtomicFile.WriteAllBytes(png, image.GetImageBytes(ImageFormat.Png, 100));
        var sb = new System.Text.StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{panelWidth * cols}\" height=\"{height * rows}\">");
        for (int i = 0; i < panels.Count; i++)
        {
            var inner = panels[i].GetSvgXml(panelWidth, height);
            int start = inner.IndexOf("<svg", StringComparison.Ordinal);
            inner = start >= 0 ? inner[start..] : inner;
            // Place the panel: a nested svg takes x and y attributes.
            inner = "<svg x=\"" + (i % cols * panelWidth) + "\" y=\"" + (i / cols * height) + "\"" + inner[4..];
            sb.Append(inner);
        }
        sb.Append("</svg>");
        AtomicFile.WriteAllText(svg, sb.ToString());
        return new Figure(name, title, caption, png, svg);
    }
}
