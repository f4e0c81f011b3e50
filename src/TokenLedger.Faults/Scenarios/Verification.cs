using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// Checks the ledger against what a scenario published, four ways: the event ids in <c>usage_facts</c> (lost,
/// unexpected), the usage records in the event store (double counts), the per-tenant/model sums in SQL and over
/// <c>GET /api/tenants/{id}/usage</c>, and the async <c>tenant_usage_summaries</c> rows once they catch up.
/// </summary>
public static class Verification
{
    private static readonly TimeSpan SummaryCatchUp = TimeSpan.FromMinutes(4);

    public static async Task VerifyAsync(HarnessContext context, LedgerProbe probe, ScenarioWorkload workload, ServiceProcess? api,
        ScenarioResult result, CancellationToken ct)
    {
        var ids = await probe.FactIdsAsync(workload.Tenants, ct);
        result.UniqueExpected = workload.UniqueExpected;
        result.Recorded = ids.Count(workload.Expected.ContainsKey);
        result.Lost = workload.UniqueExpected - result.Recorded;
        var forbiddenInTenants = workload.Forbidden.Count(ids.Contains);
        var forbiddenAnywhere = workload.Forbidden.Count == 0 ? 0 : await probe.CountFactsByIdAsync([.. workload.Forbidden], ct);
        result.Unexpected = ids.Count(id => !workload.Expected.ContainsKey(id)) + (forbiddenAnywhere - forbiddenInTenants);
        if (result.Lost > 0)
            result.Fail($"{result.Lost} events lost, e.g. {string.Join(", ", workload.Expected.Keys.Where(id => !ids.Contains(id)).Take(3))}");
        if (result.Unexpected > 0) result.Fail($"{result.Unexpected} events recorded that must not be ({forbiddenAnywhere} of them refused ones)");

        var (records, repeats) = await probe.StoredRecordsAsync(workload.Tenants, ct);
        result.DoubleCounted = repeats;
        if (repeats > 0) result.Fail($"the event store carries {repeats} usage records whose eventId another record already carries");
        if (records - repeats != ids.Count) result.Fail($"the event store holds {records - repeats} distinct usage records, usage_facts {ids.Count}");

        var sums = await probe.FactSumsAsync(workload.Tenants, ct);
        Compare("SQL", workload.ExpectedSums, sums, result);
        if (api is { HasExited: false }) await CompareApiAsync(context, workload, api, result, ct);
        await WaitForSummariesAsync(context, probe, workload, sums, api, result, ct);
    }

    private static void Compare(string source, IReadOnlyDictionary<(string Tenant, string Model), TokenSums> expected,
        IReadOnlyDictionary<(string Tenant, string Model), TokenSums> actual, ScenarioResult result)
    {
        var wrong = expected.Keys.Union(actual.Keys)
            .Where(k => expected.GetValueOrDefault(k, TokenSums.Zero) != actual.GetValueOrDefault(k, TokenSums.Zero))
            .ToList();
        foreach (var key in wrong.Take(3))
            result.Fail($"{source} totals of {key.Tenant}/{key.Model}: expected {expected.GetValueOrDefault(key, TokenSums.Zero)}, " +
                        $"ledger {actual.GetValueOrDefault(key, TokenSums.Zero)}");
        if (wrong.Count > 3) result.Fail($"{source} totals differ for {wrong.Count} tenant/model pairs in all");
    }

    private static async Task CompareApiAsync(HarnessContext context, ScenarioWorkload workload, ServiceProcess api, ScenarioResult result, CancellationToken ct)
    {
        var actual = new Dictionary<(string, string), TokenSums>();
        foreach (var tenant in workload.Tenants)
        {
            var url = $"/api/tenants/{Uri.EscapeDataString(tenant)}/usage?from={Uri.EscapeDataString(UsageEventSpec.Rfc3339(workload.From))}" +
                      $"&to={Uri.EscapeDataString(UsageEventSpec.Rfc3339(workload.To))}";
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AdminKey);
            using var response = await api.Http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                result.Fail($"GET {url} answered {(int)response.StatusCode}");
                return;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            foreach (var m in json.RootElement.GetProperty("models").EnumerateArray())
                actual[(tenant, m.GetProperty("model").GetString()!)] = new TokenSums(m.GetProperty("events").GetInt64(),
                    m.GetProperty("inputTokens").GetInt64(), m.GetProperty("cachedInputTokens").GetInt64(),
                    m.GetProperty("cacheWriteTokens").GetInt64(), m.GetProperty("outputTokens").GetInt64());
        }
        var before = result.Failures.Count;
        Compare("API", workload.ExpectedSums, actual, result);
        if (result.Failures.Count == before) result.Notes.Add($"SQL and HTTP API totals equal the published set for {workload.Tenants.Length} tenants");
    }

    /// <summary>
    /// The async projection must agree with the ledger's own rows (<paramref name="facts"/>, exact or not) once it has
    /// caught up; whether those rows equal the published set is checked above.
    /// </summary>
    private static async Task WaitForSummariesAsync(HarnessContext context, LedgerProbe probe, ScenarioWorkload workload,
        IReadOnlyDictionary<(string Tenant, string Model), TokenSums> facts, ServiceProcess? api, ScenarioResult result, CancellationToken ct)
    {
        var expected = workload.Tenants.ToDictionary(t => t, t =>
        {
            var mine = facts.Where(s => s.Key.Tenant == t).Select(s => s.Value).ToList();
            return (Events: mine.Sum(s => s.Events), TotalTokens: mine.Sum(s => s.TotalTokens));
        });
        var watch = Stopwatch.StartNew();
        Dictionary<string, (long Events, long TotalTokens)> actual;
        while (true)
        {
            actual = await probe.SummariesAsync(workload.Tenants, ct);
            if (expected.All(e => e.Value.Events == 0 ? !actual.ContainsKey(e.Key) || actual[e.Key] == e.Value : actual.GetValueOrDefault(e.Key) == e.Value))
            {
                result.Notes.Add($"TenantUsageSummary equal to usage_facts {watch.Elapsed.TotalSeconds:F1} s after ingest ended");
                return;
            }
            if (watch.Elapsed > SummaryCatchUp) break;
            if (api is { HasExited: true })
            {
                result.Fail($"no service left: {api.ExitExplanation()}");
                break;
            }
            await Task.Delay(500, ct);
        }
        foreach (var (tenant, want) in expected.Where(e => actual.GetValueOrDefault(e.Key) != e.Value).Take(2))
        {
            var got = actual.GetValueOrDefault(tenant);
            result.Fail($"TenantUsageSummary of {tenant} after {SummaryCatchUp.TotalMinutes} min: {got.Events} events/{got.TotalTokens} tokens, " +
                        $"usage_facts {want.Events}/{want.TotalTokens}");
        }
        context.Log("  async projection did not catch up; see the failures");
    }
}
