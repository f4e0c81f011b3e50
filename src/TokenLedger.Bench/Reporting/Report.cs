using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using TokenLedger.Bench.Phases;

namespace TokenLedger.Bench.Reporting;

/// <summary>The final report: plain tables, printed to the console and, without colours, to --report-file.</summary>
public static class Report
{
    private const int PlainWidth = 110;

    public static void Print(BenchReport report)
    {
        foreach (var part in Parts(report)) AnsiConsole.Write(part);
        if (report.Options.ReportFile is { } path) File.WriteAllText(path, PlainText(report));
    }

    public static string PlainText(BenchReport report)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = PlainWidth;
        foreach (var part in Parts(report)) console.Write(part);
        return string.Join('\n', writer.ToString().Split('\n').Select(line => line.TrimEnd()));
    }

    private static IEnumerable<IRenderable> Parts(BenchReport r)
    {
        yield return new Rule("[bold]TokenLedger benchmark[/]").LeftJustified();
        yield return Header(r);
        if (r.Ingest.Count > 0) yield return Sections.EndToEnd(r);
        if (r.PassThrough.Count > 0 || r.Copy is not null) yield return Sections.Limits(r);
        if (r.HttpCompat is not null) yield return Sections.HttpCompat(r.HttpCompat);
        if (r.Latency is not null) yield return Sections.Latency(r.Latency);
        if (r.Signals is not null) yield return Sections.Signals(r.Signals);
        if (r.Holds is not null) yield return Sections.Holds(r.Holds);
        if (r.Close is not null) yield return Sections.Close(r.Close);
        if (r.Finance is not null) yield return Sections.Finance(r.Finance);
        yield return Sections.MemorySummary(r);
        if (r.Steady is not null) yield return Sections.RssSamples(r.Steady);
        if (r.ServiceLog is not null) yield return Sections.ServiceLog(r.ServiceLog);
        yield return Verdict(r);
    }

    private static IRenderable Header(BenchReport r)
    {
        var o = r.Options;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("run", $"{r.RunTag}, started {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {r.Duration.TotalMinutes:0.0} min");
        grid.AddRow("machine", Markup.Escape(r.Machine));
        if (o.FinanceOnly)
            grid.AddRow("workload", Markup.Escape($"--finance-only: {o.FinanceTenants:N0} tenants x {o.FinanceMonths} months seeded; no ingest"));
        else grid.AddRow("workload", Markup.Escape(
            $"{o.Events:N0} items per run; {o.Tenants:N0} tenants (Zipf s={o.ZipfExponent.ToString(CultureInfo.InvariantCulture)}); 6 models; " +
            $"{o.DuplicateFraction:P1} duplicates, {o.InvalidFraction:P1} invalid; confirm window {o.ConfirmWindow:N0}"));
        return new Padder(grid, new Padding(0, 0, 0, 1));
    }

    private static IRenderable Verdict(BenchReport r)
    {
        var problems = r.Problems;
        if (problems.Count == 0)
            return new Markup("[bold green]TOTALS OK[/]: every (tenant, model) sum in usage_facts, every tenant summary and every dead-letter count matched.\n");
        var rows = new Rows(problems.Take(40).Select(p => (IRenderable)new Text(p))
            .Append(new Text(problems.Count > 40 ? $"… and {problems.Count - 40} more" : "")));
        return new Panel(rows) { Header = new PanelHeader($"[bold red]TOTALS WRONG: {problems.Count} difference(s)[/]"), Border = BoxBorder.Double };
    }
}
