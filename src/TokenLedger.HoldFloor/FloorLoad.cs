using System.Diagnostics;
using System.Text;

namespace TokenLedger.HoldFloor;

/// <summary>
/// Paced placements, the way ops/bench's holds phase sends them: placement i is due at i / rate, from --connections
/// callers round-robin over --tenants tenants; a late answer makes the next ones late, so the latency includes queueing.
/// Prints what was reached, the answers, p50/p95/p99/max of the HTTP latency, and the CPU each named process, this one
/// and the whole machine spent over the run.
/// </summary>
public static class FloorLoad
{
    public static async Task<int> RunAsync(Options options)
    {
        var mode = options.Text("mode", "each");
        if (mode is not ("each" or "group")) throw new ArgumentException("--mode is each or group");
        int rate = options.Number("rate", 1000), seconds = options.Number("seconds", 20), connections = options.Number("connections", 16), tenants = options.Number("tenants", 50);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(options.Text("base", "http://127.0.0.1:5090")) };
        http.DefaultRequestHeaders.Add("Authorization", $"Bearer {FloorServer.Key}");
        var meter = CpuMeter.Start(options.All("pid"));

        var total = rate * seconds;
        var latencies = new double[total];
        var statuses = new int[600];
        var next = -1;
        var run = Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        async Task Caller()
        {
            for (int i; (i = Interlocked.Increment(ref next)) < total;)
            {
                var wait = i * 1000.0 / rate - clock.Elapsed.TotalMilliseconds;
                if (wait > 1) await Task.Delay(TimeSpan.FromMilliseconds(wait));
                var started = clock.Elapsed.TotalMilliseconds;
                using var body = new StringContent($$"""{"requestId":"floor-{{run}}-{{i}}","model":"floor-model","maxInputTokens":2000,"maxOutputTokens":1000}""", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync($"/floor/{mode}/tenants/floor-{i % tenants}/holds", body);
                await response.Content.ReadAsByteArrayAsync();
                latencies[i] = clock.Elapsed.TotalMilliseconds - started;
                Interlocked.Increment(ref statuses[(int)response.StatusCode]);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(Caller)));
        var elapsed = clock.Elapsed.TotalSeconds;

        Array.Sort(latencies);
        double P(double q) => latencies[(int)Math.Ceiling(q * total) - 1];
        var answers = string.Join(", ", statuses.Select((count, status) => (count, status)).Where(x => x.count > 0).Select(x => $"{x.status} × {x.count:N0}"));
        Console.WriteLine($"{mode}: {total:N0} placements asked at {rate:N0}/s over {connections} connections and {tenants} tenants; reached {total / elapsed:N0}/s in {elapsed:F1} s; answers {answers}");
        Console.WriteLine($"{mode}: hold HTTP latency p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {latencies[^1]:F1} ms");
        Console.WriteLine($"{mode}: {meter.Report(total)}");
        return statuses[201] == total ? 0 : 1;
    }
}
