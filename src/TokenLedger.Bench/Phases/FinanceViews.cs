using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using NodaTime;
using TokenLedger.Bench.Infrastructure;

namespace TokenLedger.Bench.Phases;

public sealed record FinanceViewTiming(string View, int Requests, IReadOnlyList<double> SortedMs, long Bytes)
{
    public double? Percentile(double p) => Percentiles.Of(SortedMs, SortedMs.Count, p);
}

public sealed record FinanceViewsResult(int Tenants, int Months, int Invoices, int Payments, double SeedSeconds, int ListedTenants, IReadOnlyList<FinanceViewTiming> Views);

/// <summary>
/// 10,000 tenants × 12 months of invoices and their payments (<see cref="FinanceSeed"/>), then --finance-requests
/// sequential requests per finance view after 5 unmeasured ones: receivables first page now, receivables as of 6 months
/// ago, risk first page, and the full receivables CSV. Reports p50/p95/p99 per view; then the web console's views
/// painted in headless chromium over the same data (<see cref="ConsolePaint"/>).
/// </summary>
public sealed class FinanceViews(BenchOptions options)
{
    public async Task<FinanceViewsResult> RunAsync(string runTag, CancellationToken ct)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var (invoices, payments, seedSeconds) = options.PaintOnly ? (0, 0, 0.0) : await new FinanceSeed(options).RunAsync(runTag, now, ct);
        if (!options.PaintOnly) Live.Note($"seeded {invoices:N0} invoices and {payments:N0} payments in {seedSeconds:N1} s");

        using var http = new HttpClient { BaseAddress = new Uri(options.ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        var sixMonthsAgo = now - Duration.FromDays(182);
        (string View, string Path)[] views =
        [
            ("receivables, first page (now)", "api/finance/receivables?page=1&pageSize=100"),
            ("receivables, first page as of 182 days ago", $"api/finance/receivables?page=1&pageSize=100&asOf={sixMonthsAgo}"),
            ("risk, first page (now)", "api/finance/risk?page=1&pageSize=100"),
            ("receivables CSV, every tenant (now)", "api/finance/receivables?format=csv"),
        ];
        var first = JsonDocument.Parse(await http.GetStringAsync(views[0].Path, ct)).RootElement;
        var listed = first.GetProperty("tenantCount").GetInt32();
        var timings = new List<FinanceViewTiming>();
        foreach (var (view, path) in views)
        {
            for (var i = 0; i < 5; i++) await http.GetByteArrayAsync(path, ct);
            var ms = new List<double>();
            long bytes = 0;
            await Live.ProgressAsync(async progress =>
            {
                var bar = progress.AddTask(view, maxValue: options.FinanceRequests);
                for (var i = 0; i < options.FinanceRequests; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var body = await http.GetByteArrayAsync(path, ct);
                    ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    bytes = body.Length;
                    bar.Increment(1);
                }
                return 0;
            });
            ms.Sort();
            timings.Add(new FinanceViewTiming(view, ms.Count, ms, bytes));
            Live.Note($"{view}: p50 {Percentiles.Of(ms, ms.Count, 50):N1} ms, p95 {Percentiles.Of(ms, ms.Count, 95):N1} ms, p99 {Percentiles.Of(ms, ms.Count, 99):N1} ms");
        }
        var tenant = first.GetProperty("tenants")[0].GetProperty("tenantId").GetString()!;
        timings.AddRange(await ConsolePaint.RunAsync(options.ApiUrl, options.AdminKey, tenant, ct));
        return new FinanceViewsResult(options.FinanceTenants, options.FinanceMonths, invoices, payments, seedSeconds, listed, timings);
    }
}
