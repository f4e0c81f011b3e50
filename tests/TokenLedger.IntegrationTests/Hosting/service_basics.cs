using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using Wolverine.Runtime;

namespace TokenLedger.IntegrationTests.Hosting;

[Collection(LedgerCollection.Name)]
public sealed class service_basics(LedgerFixture fixture)
{
    [Fact]
    public async Task liveness_and_readiness_answer_healthy_with_real_postgres_and_rabbitmq()
    {
        var anonymous = fixture.App.Client(key: null);
        (await anonymous.GetStringAsync("/health/live")).ShouldBe("Healthy");
        (await anonymous.GetStringAsync("/health/ready")).ShouldBe("Healthy");
    }

    [Fact]
    public void the_service_ships_with_the_thread_pools_spin_turned_off()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "TokenLedger.Api.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(file));
        config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
            .GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_public_endpoints()
    {
        var document = await fixture.App.Client(key: null).GetStringAsync("/openapi/v1.json");
        document.ShouldContain("\"/api/usage\"");
        document.ShouldContain("\"/api/tenants/{tenantId}/usage\"");
        document.ShouldContain("\"/api/tenants/{tenantId}\"");
        document.ShouldContain("\"/api/tenants/{tenantId}/keys\"");
    }

    [Fact]
    public async Task the_browsable_api_reference_is_served()
    {
        var response = await fixture.App.Client(key: null).GetAsync("/docs/");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("openapi/v1.json");
    }

    [Fact]
    public async Task api_calls_without_a_key_or_with_a_wrong_key_are_unauthorized()
    {
        (await fixture.App.Client(key: null).GetAsync("/api/tenants/acme/usage")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var forged = "tl_0123456789abcdef_" + new string('a', 64);
        (await fixture.App.Client(forged).GetAsync("/api/tenants/acme/usage")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ingest_counters_are_exported_as_opentelemetry_metrics()
    {
        var tenant = LedgerFixture.NewTenantId("metrics");
        var events = UsageSamples.Events(tenant, 3, Epoch.UtcNow.AddMinutes(-1));
        (await fixture.Operator.PostAsync("/api/usage", Json(UsageSamples.ToJson(events.Append(events[0]))))).EnsureSuccessStatusCode();

        var metrics = await Eventually.Until(() => fixture.App.Client(key: null).GetStringAsync("/metrics"),
            text => text.Contains("tokenledger_usage_ingested") && text.Contains("tokenledger_usage_duplicates"), TimeSpan.FromSeconds(20));
        metrics.ShouldContain("tokenledger_usage_rejected");
    }

    [Fact]
    public void wolverine_handles_only_ledger_messages_so_its_code_can_be_generated_ahead_of_time()
    {
        // Wolverine's naming convention once took the usage queue's background consumer for a handler of
        // CancellationToken, a chain that could never run and that made `codegen write` fail.
        var runtime = fixture.App.Host.Services.GetRequiredService<IWolverineRuntime>();
        var handled = ((WolverineRuntime)runtime).Handlers.Chains.Select(c => c.MessageType).ToList();
        handled.ShouldNotBeEmpty();
        handled.ShouldAllBe(t => t.Namespace != null && t.Namespace.StartsWith("TokenLedger.", StringComparison.Ordinal));
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
