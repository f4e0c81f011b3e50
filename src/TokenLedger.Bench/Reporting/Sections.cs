using Spectre.Console;
using Spectre.Console.Rendering;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Phases;

namespace TokenLedger.Bench.Reporting;

/// <summary>One table per part of the report.</summary>
public static class Sections
{
    private const string Missing = "-";

    public static IRenderable EndToEnd(BenchReport r)
    {
        var table = Titled("1. End-to-end ingest: first publish → both projections show the exact expected totals");
        table.AddColumn("");
        foreach (var run in r.Ingest) table.AddColumn(new TableColumn(Markup.Escape(run.Workload.Label)).RightAligned());
        void Row(string name, Func<IngestResult, string> value) => table.AddRow([Markup.Escape(name), .. r.Ingest.Select(i => Markup.Escape(value(i)))]);

        Row("messages published", i => $"{i.Workload.Messages.Count:N0} ({i.Workload.Bytes / 1048576.0:0.0} MiB)");
        Row("items (all kinds)", i => $"{i.Workload.Items:N0}");
        Row("  unique valid events", i => $"{i.Workload.Expected.Events:N0} for {i.Workload.Expected.TenantIds.Length:N0} tenants");
        Row("  exact re-sends", i => $"{i.Workload.Duplicates:N0}");
        Row("  invalid", i => $"{i.Workload.Invalid:N0}");
        Row("all published and confirmed after", i => Seconds(i.PublishTime));
        Row("usage_facts caught up after (inline)", i => Seconds(i.CatchUp.InlineAt));
        Row("tenant summaries caught up after (async)", i => Seconds(i.CatchUp.AsyncAt));
        Row("every subscription caught up after", i => Seconds(i.CatchUp.SubscriptionsAt));
        Row("END-TO-END items/s", i => Rate(i.ItemsPerSecond));
        Row("  unique events recorded/s", i => Rate(i.EventsPerSecond));
        Row("  messages/s", i => Rate(i.MessagesPerSecond));
        Row("dead letters (expected = invalid)", i => $"{i.DeadLetters:N0} / {i.Workload.Invalid:N0} {(i.DeadLettersOk ? "ok" : "WRONG")}");
        Row("totals", i => i.CatchUp.Ok ? "ok" : $"WRONG ({i.CatchUp.Differences.Count} differences)");
        Row("queue backlog before the run", i => $"{i.BacklogAtStart:N0}");
        return table;
    }

    public static IRenderable Limits(BenchReport r)
    {
        var table = Titled("2. Limits on the same box, same messages");
        table.AddColumn("");
        var runs = r.Ingest.Select(i => i.Workload.Label).ToList();
        foreach (var label in runs) table.AddColumn(new TableColumn(Markup.Escape(label)).RightAligned());
        void Row(string name, Func<string, string> value) => table.AddRow([Markup.Escape(name), .. runs.Select(l => Markup.Escape(value(l)))]);
        PassThroughResult? Pass(string label) => r.PassThrough.FirstOrDefault(p => p.Label == label);
        IngestResult Run(string label) => r.Ingest.First(i => i.Workload.Label == label);

        Row("broker pass-through messages/s", l => Rate(Pass(l)?.MessagesPerSecond));
        Row("broker pass-through items/s", l => Rate(Pass(l)?.ItemsPerSecond));
        Row("end-to-end items/s", l => Rate(Run(l).ItemsPerSecond));
        Row("  end-to-end / broker pass-through", l => Ratio(Run(l).ItemsPerSecond, Pass(l)?.ItemsPerSecond));
        Row("PostgreSQL binary COPY rows/s (bare temp table)", _ => Rate(r.Copy?.RowsPerSecond));
        Row("end-to-end unique events recorded/s", l => Rate(Run(l).EventsPerSecond));
        Row("  end-to-end / COPY", l => Ratio(Run(l).EventsPerSecond, r.Copy?.RowsPerSecond));
        return table;
    }

    public static IRenderable HttpCompat(HttpCompatResult h)
    {
        var table = Titled($"7. HTTP ingest, arrays of {h.BatchSize}, {h.Concurrency} requests in flight: native vs OpenMeter-compatible");
        table.AddColumn("route").AddColumn(new TableColumn("events").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned())
            .AddColumn(new TableColumn("events/s").RightAligned()).AddColumn(new TableColumn("failed requests").RightAligned());
        foreach (var run in new[] { h.Native, h.OpenMeter })
            table.AddRow(Markup.Escape(run.Route), $"{run.Events:N0}", $"{run.Elapsed.TotalSeconds:0.0}", Rate(run.EventsPerSecond), $"{run.Failed:N0}");
        table.AddRow("OpenMeter / native (target ≥ 80 %)", "", "", $"{h.Ratio:P0}", "");
        return table;
    }

    public static IRenderable Latency(LatencyResult l)
    {
        var table = Titled("3. Latency: publish → visible in GET /api/tenants/{probe}/usage, under background load");
        table.AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("background load (single-event messages)", $"{l.TargetRate:N0} events/s asked, {l.AchievedRate:N0} published");
        table.AddRow("background alone before the first probe", $"{l.WarmUpSeconds:N0} s");
        table.AddRow("probes seen / sent", $"{l.Seen:N0} / {l.ProbesSent:N0}");
        if (l.Errors.Count > 0) table.AddRow("probe errors", Markup.Escape($"{l.Errors.Count:N0}, first: {l.Errors[0]}"));
        var lost = $"lost (not seen within {l.ProbeTimeoutSeconds} s)";
        table.AddRow("p50", Ms(l.Percentile(50), lost));
        table.AddRow("p95", Ms(l.Percentile(95), lost));
        table.AddRow("p99", Ms(l.Percentile(99), lost));
        table.AddRow("max", Ms(l.Max, lost));
        table.AddRow("of which publish → broker confirm: p50 / p99", $"{Ms(l.ConfirmPercentile(50), "-")} / {Ms(l.ConfirmPercentile(99), "-")}");
        table.AddRow("queue backlog when the probes ended", $"{l.BacklogAtEnd:N0} messages");
        table.AddRow("service kept up with the background load",
            l.KeptUp ? "yes" : "NO: the load outran the service, so these latencies are mostly time spent queued");
        table.AddRow("background totals", l.Background.Ok ? "ok" : $"WRONG ({l.Background.Differences.Count} differences)");
        return table;
    }

    public static IRenderable Signals(SignalLatencyResult l)
    {
        var table = Titled("3b. Cap signals: publish of the crossing usage → cap-reached received on tokenledger.signals.v1, under load");
        table.AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("background load (priced tenants, rated and funded)", $"{l.BackgroundRate:N0} events/s asked in arrays of {l.EventsPerMessage}, {l.AchievedRate:N0} published");
        table.AddRow("signals received / probes", $"{l.Seen:N0} / {l.ProbesSent:N0}");
        var lost = $"lost (no signal within {l.TimeoutSeconds} s)";
        table.AddRow("p50", Ms(l.Percentile(50), lost));
        table.AddRow("p95", Ms(l.Percentile(95), lost));
        table.AddRow("p99", Ms(l.Percentile(99), lost));
        table.AddRow("usage queue backlog when the probes ended", $"{l.UsageBacklog:N0} messages");
        table.AddRow("ledger events the Funding subscription had not read (after the wait)", $"{l.FundingLag:N0}");
        return table;
    }

    public static IRenderable Holds(HoldLoadResult h)
    {
        var table = Titled("3c. Holds: POST /api/tenants/{id}/holds under ingest load, each hold's usage published about 2 s later");
        table.AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("holds", $"{h.TargetRate:N0}/s asked for {h.Seconds} s over {h.Connections} connections, {h.Sent:N0} sent ({h.AchievedRate:N0}/s)");
        table.AddRow("tenants (prepaid, credit limit 0; with a small wallet)", $"{h.Tenants:N0} ({h.TightTenants:N0})");
        table.AddRow("background ingest (arrays)", $"{h.BackgroundRate:N0} events/s asked, {h.BackgroundAchieved:N0} published");
        table.AddRow("granted / refused (402) / errors", $"{h.Granted:N0} / {h.Refused:N0} / {h.Errors:N0}");
        if (h.FirstError is not null) table.AddRow("first error", Markup.Escape(h.FirstError.Length > 120 ? h.FirstError[..120] : h.FirstError));
        table.AddRow("hold HTTP latency p50", Ms(h.Percentile(50), Missing));
        table.AddRow("hold HTTP latency p95", Ms(h.Percentile(95), Missing));
        table.AddRow("hold HTTP latency p99 (target < 20 ms)", Ms(h.Percentile(99), Missing));
        table.AddRow("usage events published for granted holds", $"{h.UsagePublished:N0}");
        var c = h.Check;
        table.AddRow("holds placed / settled / released (ledger)", $"{c.Placed:N0} / {c.Settled:N0} / {c.Released:N0}");
        table.AddRow("holds still open", $"{c.Open:N0} (checked {c.WaitedSeconds:0} s after the last hold)");
        table.AddRow("CHECK: every hold ended once; no wallet below 0, nothing on postpaid, charges = usage",
            c.Ok ? $"ok ({c.TenantsChecked:N0} tenants)" : Markup.Escape($"WRONG ({c.Differences.Count}): {c.Differences[0]}"));
        return table;
    }

    public static IRenderable Close(PeriodCloseResult c)
    {
        var table = Titled($"5. Period close {c.Period}: POST /api/tenants/{{id}}/invoices, then GET /api/invoices/{{n}}/pdf (8 at a time)");
        table.AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("tenants closed (usage events each)", $"{c.Tenants:N0} ({c.EventsPerTenant})");
        table.AddRow("all closes", $"{c.CloseSeconds:N1} s ({c.Tenants / c.CloseSeconds:N0} invoices/s; {c.Retries:N0} retries while funding caught up)");
        table.AddRow("all PDFs", $"{c.PdfSeconds:N1} s, {c.AveragePdfKb:N0} KB each on average");
        table.AddRow("PDF request p50 / p95", $"{c.PdfPercentile(50):N1} ms / {c.PdfPercentile(95):N1} ms");
        table.AddRow("CLOSE INCLUDING PDFs", $"{c.TotalSeconds:N1} s (target < 60 s for 1,000 tenants)");
        return table;
    }

    public static IRenderable Finance(FinanceViewsResult f)
    {
        var table = Titled($"6. Finance views over {f.Tenants:N0} tenants x {f.Months} months ({f.Invoices:N0} invoices, {f.Payments:N0} payments seeded in {f.SeedSeconds:N0} s)");
        table.AddColumn("view").AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p95").RightAligned())
            .AddColumn(new TableColumn("p99").RightAligned()).AddColumn(new TableColumn("size").RightAligned());
        foreach (var v in f.Views)
            table.AddRow(v.View, $"{v.Percentile(50):N1} ms", $"{v.Percentile(95):N1} ms", $"{v.Percentile(99):N1} ms", $"{v.Bytes / 1024.0:N0} KB");
        table.AddRow($"tenants listed (all in the database, {f.Views.FirstOrDefault()?.Requests ?? 0} requests per view, sequential)", $"{f.ListedTenants:N0}", "", "", "");
        table.AddRow("TARGET", "p95 < 200 ms", "", "", "");
        return table;
    }

    public static IRenderable MemorySummary(BenchReport r)
    {
        var table = Titled("4. Service memory (/proc/PID/status)");
        table.AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("RSS before the first run", Mb(r.RssAtStart?.RssMb));
        table.AddRow("RSS at the end", Mb(r.RssAtEnd?.RssMb));
        table.AddRow("PEAK RSS (VmHWM)", Mb(r.RssAtEnd?.PeakRssMb));
        if (r.Steady is { } s)
        {
            var g = s.Growth;
            var minutes = g.Window.TotalSeconds;
            table.AddRow("steady run", Markup.Escape($"{s.TargetRate:N0} events/s asked in arrays of {s.EventsPerMessage}, {s.AchievedRate:N0} published, for {s.Seconds} s"));
            table.AddRow(Markup.Escape($"average RSS 0–{minutes:0} s (warm-up)"), Mb(g.FirstAverageMb));
            table.AddRow(Markup.Escape($"average RSS {minutes:0}–{2 * minutes:0} s (after warm-up)"), Mb(g.EarlyAverageMb));
            table.AddRow(Markup.Escape($"average RSS, last {minutes:0} s"), Mb(g.LastAverageMb));
            table.AddRow(Markup.Escape($"growth after warm-up ({minutes:0}–{2 * minutes:0} s to last {minutes:0} s)"), $"{g.Growth:+0.0%;-0.0%}");
            table.AddRow("VERDICT", g.Flat ? "flat (growth < 10 %)" : "GROWING (growth >= 10 %)");
            table.AddRow("steady totals", s.Check.Ok ? "ok" : $"WRONG ({s.Check.Differences.Count} differences)");
        }
        else
        {
            table.AddRow("steady run", "skipped");
        }
        return table;
    }

    public static IRenderable RssSamples(SteadyResult s)
    {
        var table = Titled("RSS samples during the steady run");
        table.AddColumn(new TableColumn("t (s)").RightAligned()).AddColumn(new TableColumn("RSS (MiB)").RightAligned())
            .AddColumn(new TableColumn("peak (MiB)").RightAligned()).AddColumn(new TableColumn("events published").RightAligned())
            .AddColumn(new TableColumn("messages queued").RightAligned());
        foreach (var sample in s.Samples)
            table.AddRow($"{sample.At.TotalSeconds:0}", $"{sample.Memory.RssMb:0.0}", $"{sample.Memory.PeakRssMb:0.0}",
                $"{sample.EventsPublished:N0}", $"{sample.Backlog:N0}");
        return table;
    }

    public static IRenderable ServiceLog(ServiceLogSummary log)
    {
        var table = Titled($"Service log: {log.Errors:N0} errors, {log.Warnings:N0} warnings");
        table.AddColumn(Markup.Escape(log.Path));
        foreach (var line in log.Samples) table.AddRow(Markup.Escape(line));
        if (log.Samples.Count == 0) table.AddRow("(nothing above info level)");
        return table;
    }

    private static Table Titled(string title) =>
        new Table { Title = new TableTitle(Markup.Escape(title), new Style(decoration: Decoration.Bold)), Border = TableBorder.Rounded };

    private static string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.00} s" : "never (stalled)";
    private static string Rate(double? perSecond) => perSecond is { } v ? $"{v:N0}" : Missing;
    private static string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? $"{x / y:0.00} ({x / y:0%})" : Missing;
    private static string Ms(double? ms, string otherwise) => ms is { } v ? $"{v:N0} ms" : otherwise;
    private static string Mb(double? mb) => mb is { } v ? $"{v:N0} MiB" : Missing;
}
