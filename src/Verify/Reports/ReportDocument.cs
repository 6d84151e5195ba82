using System.Text;
using SimplicityBias.Verify.Plots;

namespace SimplicityBias.Verify.Reports;

/// <summary>A report as a list of blocks, rendered to Markdown and to self-contained HTML.</summary>
internal sealed class ReportDocument
{
    public abstract record Block;
    public sealed record Heading(int Level, string Text) : Block;
    public sealed record Paragraph(string Text) : Block;
    public sealed record Table(string[] Header, List<string[]> Rows) : Block;
    public sealed record FigureBlock(Figure Figure) : Block;
    public sealed record Code(string Text) : Block;

    public List<Block> Blocks { get; } = [];
    public string Title { get; init; } = "Verification report";

    public void H(int level, string text) => Blocks.Add(new Heading(level, text));
    public void P(string text) => Blocks.Add(new Paragraph(text));
    public void T(string[] header, List<string[]> rows) => Blocks.Add(new Table(header, rows));
    public void F(Figure f) => Blocks.Add(new FigureBlock(f));
    public void Pre(string text) => Blocks.Add(new Code(text));

    /// <summary>Markdown; figures are linked relative to <paramref name="reportDir"/>.</summary>
    public string ToMarkdown(string reportDir)
    {
        var sb = new StringBuilder();
        foreach (var b in Blocks)
        {
            switch (b)
            {
                case Heading h: sb.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine(); break;
                case Paragraph p: sb.AppendLine(p.Text).AppendLine(); break;
                case Table t:
                    sb.Append("| ").Append(string.Join(" | ", t.Header.Select(Md))).AppendLine(" |");
                    sb.Append('|').Append(string.Concat(t.Header.Select(_ => "---|"))).AppendLine();
                    foreach (var r in t.Rows) sb.Append("| ").Append(string.Join(" | ", r.Select(Md))).AppendLine(" |");
                    sb.AppendLine();
                    break;
                case FigureBlock f:
                    var png = Path.GetRelativePath(reportDir, f.Figure.PngPath).Replace('\\', '/');
                    var svg = Path.GetRelativePath(reportDir, f.Figure.SvgPath).Replace('\\', '/');
                    sb.AppendLine($"**{f.Figure.Title}.** {f.Figure.Caption}").AppendLine();
                    sb.AppendLine($"![{f.Figure.Title}]({png})").AppendLine();
                    sb.AppendLine($"([SVG]({svg}))").AppendLine();
                    break;
                case Code c: sb.AppendLine("```").AppendLine(c.Text.TrimEnd()).AppendLine("```").AppendLine(); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>One HTML file with the PNGs embedded as base64 (no external references).</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<title>").Append(H(Title)).AppendLine("</title>");
        sb.AppendLine("""
            <style>
            body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
            .wide { overflow-x: auto; max-width: 100%; margin: 1em 0; }
            table { border-collapse: collapse; font-size: 0.9em; width: max-content; }
            th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; max-width: 36em; }
            th { background: #f3f3f3; }
            td.pass { background: #e6f4e6; } td.fail { background: #fbe3e3; } td.inconclusive { background: #fdf6dc; } td.error { background: #fbe3e3; }
            figure { margin: 2em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
            figcaption { font-size: 0.9em; color: #444; margin-top: 0.4em; }
            pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
            </style></head><body>
            """);
        foreach (var b in Blocks)
        {
            switch (b)
            {
                case Heading h: sb.Append($"<h{h.Level}>").Append(H(h.Text)).AppendLine($"</h{h.Level}>"); break;
                case Paragraph p: sb.Append("<p>").Append(Inline(p.Text)).AppendLine("</p>"); break;
                case Table t:
                    // Wide tables scroll sideways in their own box instead of pushing the page wider.
                    sb.AppendLine("<div class=\"wide\"><table><thead><tr>");
                    foreach (var c in t.Header) sb.Append("<th>").Append(H(c)).Append("</th>");
                    sb.AppendLine("</tr></thead><tbody>");
                    foreach (var r in t.Rows)
                    {
                        sb.Append("<tr>");
                        foreach (var c in r)
                        {
                            var cls = c.ToLowerInvariant() is "pass" or "fail" or "inconclusive" or "error" ? $" class=\"{c.ToLowerInvariant()}\"" : "";
                            sb.Append($"<td{cls}>").Append(Inline(c)).Append("</td>");
                        }
                        sb.AppendLine("</tr>");
                    }
                    sb.AppendLine("</tbody></table></div>");
                    break;
                case FigureBlock f:
                    var b64 = Convert.ToBase64String(File.ReadAllBytes(f.Figure.PngPath));
                    sb.Append("<figure><img alt=\"").Append(H(f.Figure.Title)).Append("\" src=\"data:image/png;base64,").Append(b64).AppendLine("\">");
                    sb.Append("<figcaption><b>").Append(H(f.Figure.Title)).Append(".</b> ").Append(H(f.Figure.Caption)).AppendLine("</figcaption></figure>");
                    break;
                case Code c: sb.Append("<pre>").Append(H(c.Text)).AppendLine("</pre>"); break;
            }
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static string Md(string s) => s.Replace("|", "\\|").Replace("\n", " ");
    private static string H(string s) => System.Net.WebUtility.HtmlEncode(s);

    private static readonly System.Text.RegularExpressions.Regex Link = new(@"\[([^\]]+)\]\(([^)\s]+)\)");

    /// <summary>HTML-escapes and renders **bold** spans and [text](relative link), the only inline markup the report uses.</summary>
    private static string Inline(string s)
    {
        var parts = Link.Replace(H(s), m => $"<a href=\"{m.Groups[2].Value}\">{m.Groups[1].Value}</a>").Split("**");
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 1 && i < parts.Length - 1) sb.Append("<b>").Append(parts[i]).Append("</b>");
            else sb.Append(i % 2 == 1 ? "**" + parts[i] : parts[i]);
        }
        return sb.ToString();
    }
}
