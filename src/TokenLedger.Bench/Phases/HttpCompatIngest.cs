using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenLedger.Bench.Infrastructure;
using TokenLedger.Bench.Workloads;

namespace TokenLedger.Bench.Phases;

public sealed record HttpIngestRun(string Route, int Events, int Requests, TimeSpan Elapsed, int Failed, string? FirstFailure)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
}

public sealed record HttpCompatResult(int BatchSize, int Concurrency, HttpIngestRun Native, HttpIngestRun OpenMeter)
{
    /// <summary>The OpenMeter batch route's events/s as a share of the native route's, in the same run (target: 0.8 or more).</summary>
    public double Ratio => OpenMeter.EventsPerSecond / Native.EventsPerSecond;
}

/// <summary>
/// HTTP ingest over the two routes, same events, same arrays: the native <c>POST /api/usage</c> and the OpenMeter-compatible
/// <c>POST /compat/openmeter/api/v1/events</c> (<c>application/cloudevents-batch+json</c>), each event a new one (its own
/// run tag per route, so nothing is deduplicated against the other). A route's clock runs from its first request to its
/// last answer (an answer means the events are committed), in two alternated halves per route. Each route gets a short
/// unmeasured warm-up first, so that the JIT is not counted against the route measured first.
/// </summary>
public sealed class HttpCompatIngest(BenchOptions options)
{
    public const string EventType = "bench_tokens";

    public async Task<HttpCompatResult> RunAsync(string runTag, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        var mapping = new StringContent("""
            {"tenantFrom":"subject","model":"model","inputTokens":"inputTokens","cachedInputTokens":"cachedInputTokens",
             "cacheWriteTokens":"cacheWriteTokens","outputTokens":"outputTokens","requestId":"requestId"}
            """, Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/meters/{EventType}", mapping, ct)).EnsureSuccessStatusCode();

        var now = DateTimeOffset.UtcNow;
        var size = options.BatchSize;
        var warmUp = Math.Min(2_000, options.HttpEvents);
        await PostAllAsync(http, "api/usage", Native(Events($"{runTag}-hw-n", warmUp, now), size), ct);
        await PostAllAsync(http, "compat/openmeter/api/v1/events", CloudEvents(Events($"{runTag}-hw-o", warmUp, now), size), ct);

        // Alternated halves (native, OpenMeter, native, OpenMeter) so that neither route gets the quieter half of the run.
        var nativeRequests = Native(Events($"{runTag}-hn", options.HttpEvents, now), size);
        var openMeterRequests = CloudEvents(Events($"{runTag}-ho", options.HttpEvents, now), size);
        var native = new HttpIngestRun("POST /api/usage", 0, 0, TimeSpan.Zero, 0, null);
        var openMeter = native with { Route = "POST /compat/openmeter/api/v1/events" };
        foreach (var half in new[] { 0, 1 })
        {
            native = Add(native, await MeasureAsync(http, native.Route, "api/usage", Half(nativeRequests, half), ct));
            openMeter = Add(openMeter, await MeasureAsync(http, openMeter.Route, "compat/openmeter/api/v1/events", Half(openMeterRequests, half), ct));
        }
        Live.Note($"native: {native.EventsPerSecond:N0} events/s");
        Live.Note($"OpenMeter batch route: {openMeter.EventsPerSecond:N0} events/s ({openMeter.EventsPerSecond / native.EventsPerSecond:P0} of native)");
        return new HttpCompatResult(size, options.HttpConcurrency, native, openMeter);
    }

    private static List<(HttpContent Body, int Events)> Half(List<(HttpContent Body, int Events)> requests, int half) =>
        half == 0 ? requests[..(requests.Count / 2)] : requests[(requests.Count / 2)..];

    private static HttpIngestRun Add(HttpIngestRun total, HttpIngestRun part) => total with
    {
        Events = total.Events + part.Events, Requests = total.Requests + part.Requests, Elapsed = total.Elapsed + part.Elapsed,
        Failed = total.Failed + part.Failed, FirstFailure = total.FirstFailure ?? part.FirstFailure,
    };

    private List<UsageSample> Events(string tag, int count, DateTimeOffset now)
    {
        var generator = new UsageGenerator(tag, options.Tenants, options.ZipfExponent, options.Seed);
        return Enumerable.Range(0, count).Select(_ => generator.NextInLastHour(now).Sample).ToList();
    }

    private static List<(HttpContent Body, int Events)> Native(List<UsageSample> events, int size) =>
        events.Chunk(size).Select(chunk => ((HttpContent)Json(chunk.Select(e => new
        {
            eventId = e.EventId, occurredAt = e.OccurredAt, tenantId = e.TenantId, model = e.Model, provider = e.Provider,
            inputTokens = e.InputTokens, cachedInputTokens = e.CachedInputTokens, cacheWriteTokens = e.CacheWriteTokens,
            outputTokens = e.OutputTokens, requestId = e.RequestId,
        }), "application/json"), chunk.Length)).ToList();

    private static List<(HttpContent Body, int Events)> CloudEvents(List<UsageSample> events, int size) =>
        events.Chunk(size).Select(chunk => ((HttpContent)Json(chunk.Select(e => new
        {
            specversion = "1.0", type = EventType, id = e.EventId, source = "bench", subject = e.TenantId, time = e.OccurredAt,
            data = new
            {
                model = e.Model, inputTokens = e.InputTokens, cachedInputTokens = e.CachedInputTokens, cacheWriteTokens = e.CacheWriteTokens,
                outputTokens = e.OutputTokens, requestId = e.RequestId,
            },
        }), "application/cloudevents-batch+json"), chunk.Length)).ToList();

    private static ByteArrayContent Json(object value, string mediaType)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private async Task<HttpIngestRun> MeasureAsync(HttpClient http, string label, string path, List<(HttpContent Body, int Events)> requests, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (failed, first) = await PostAllAsync(http, path, requests, ct);
        return new HttpIngestRun(label, requests.Sum(r => r.Events), requests.Count, clock.Elapsed, failed, first);
    }

    private async Task<(int Failed, string? First)> PostAllAsync(HttpClient http, string path, List<(HttpContent Body, int Events)> requests, CancellationToken ct)
    {
        var next = -1;
        var failed = 0;
        string? first = null;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                using var response = await http.PostAsync(path, requests[i].Body, ct);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent) continue;
                Interlocked.Increment(ref failed);
                var text = await response.Content.ReadAsStringAsync(ct);
                Interlocked.CompareExchange(ref first, $"{(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}", null);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, options.HttpConcurrency).Select(_ => Task.Run(Worker, ct)));
        return (failed, first);
    }
}
