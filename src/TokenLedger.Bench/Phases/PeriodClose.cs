using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record PeriodCloseResult(
    int Tenants, int EventsPerTenant, string Period, double CloseSeconds, double PdfSeconds, IReadOnlyList<double> PdfMs, double AveragePdfKb, int Retries)
{
    public double TotalSeconds => CloseSeconds + PdfSeconds;
    public double? PdfPercentile(double p) => Percentiles.Of(PdfMs, PdfMs.Count, p);
}

/// <summary>
/// A month-end for --close-tenants tenants: each is registered on a priced book and given usage in the month before last
/// (published over AMQP and funded), then every tenant's period is closed through <c>POST /api/tenants/{id}/invoices</c>
/// (8 at a time) and every invoice's PDF downloaded (8 at a time). Timed: all closes, then all PDFs.
/// </summary>
public sealed class PeriodClose(Broker broker, BenchOptions options)
{
    private const int Parallelism = 8;

    public async Task<PeriodCloseResult> RunAsync(string runTag, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        var tenants = Enumerable.Range(1, options.CloseTenants).Select(i => $"{runTag}-inv-{i:D5}").ToList();
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddMonths(-2);
        var period = month.ToString("yyyy-MM");
        await SetUpAsync(http, runTag, tenants, new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.FromHours(8)), ct);

        var retries = 0;
        var invoices = new ConcurrentBag<string>();
        var closeClock = Stopwatch.StartNew();
        await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"closing {period} for {tenants.Count:N0} tenants", maxValue: tenants.Count);
            await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (tenant, token) =>
            {
                while (true)
                {
                    using var response = await http.PostAsJsonAsync($"api/tenants/{tenant}/invoices", new { period }, token);
                    if (response.StatusCode == HttpStatusCode.Conflict)
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(200, token);
                        continue;
                    }
                    response.EnsureSuccessStatusCode();
                    invoices.Add((await response.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("invoiceId").GetString()!);
                    break;
                }
                bar.Increment(1);
            });
            return 0;
        });
        var closeSeconds = closeClock.Elapsed.TotalSeconds;

        var pdfMs = new ConcurrentBag<double>();
        long bytes = 0;
        var pdfClock = Stopwatch.StartNew();
        await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"downloading {invoices.Count:N0} invoice PDFs", maxValue: invoices.Count);
            await Parallel.ForEachAsync(invoices, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (invoice, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                var pdf = await http.GetByteArrayAsync($"api/invoices/{invoice}/pdf", token);
                pdfMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Add(ref bytes, pdf.Length);
                bar.Increment(1);
            });
            return 0;
        });
        return new PeriodCloseResult(tenants.Count, options.CloseEventsPerTenant, period, closeSeconds, pdfClock.Elapsed.TotalSeconds,
            pdfMs.Order().ToList(), invoices.IsEmpty ? 0 : bytes / 1024.0 / invoices.Count, retries);
    }

    private async Task SetUpAsync(HttpClient http, string runTag, IReadOnlyList<string> tenants, DateTimeOffset monthStart, CancellationToken ct)
    {
        var book = $"{runTag}-inv-book";
        (await http.PutAsJsonAsync($"api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = "2020-01-01T00:00:00Z",
            prices = UsageGenerator.ModelNames.Select(model => new { model, inputPerMillion = "2", cachedInputPerMillion = "0.2", cacheWritePerMillion = "0.5", outputPerMillion = "8" }).ToArray(),
        }, ct)).EnsureSuccessStatusCode();
        var generator = new UsageGenerator($"{runTag}-inv", 1, 1, options.Seed + 4);
        await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"registering {tenants.Count:N0} tenants and publishing {options.CloseEventsPerTenant} events each", maxValue: tenants.Count);
            await using var publisher = await Publisher.OpenAsync(broker.Connection, options.ConfirmWindow, ct);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct };
            await Parallel.ForEachAsync(tenants, parallel, async (tenant, token) =>
            {
                (await http.PutAsJsonAsync($"api/tenants/{tenant}", new { name = $"租户 {tenant}", retailPriceBookId = book }, token)).EnsureSuccessStatusCode();
                bar.Increment(1);
            });
            foreach (var tenant in tenants)
            {
                var items = Enumerable.Range(0, options.CloseEventsPerTenant)
                    .Select(i => System.Text.Encoding.UTF8.GetString(generator.NextFor(tenant, monthStart.AddHours(1 + i * 7)).Json)).ToList();
                await publisher.PublishAsync(Queues.Usage, System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", items) + "]"), ct);
            }
            await publisher.FlushAsync();
            return 0;
        });
    }
}
