using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

[Collection(LedgerCollection.Name)]
public sealed class recording_native_usage(LedgerFixture fixture)
{
    private static string Envelope(string eventId, string tenant, DateTimeOffset at, string format, string usage) =>
        $"{{\"eventId\":\"{eventId}\",\"occurredAt\":\"{at:yyyy-MM-ddTHH:mm:ss.fffzzz}\",\"tenantId\":\"{tenant}\",\"model\":\"claude-sonnet-4\",\"format\":\"{format}\",\"usage\":{usage}}}";

    [Fact]
    public async Task native_usage_from_the_second_queue_is_normalised_into_the_four_token_classes()
    {
        var tenant = LedgerFixture.NewTenantId("native");
        var at = Epoch.UtcNow.AddMinutes(-3);
        var body = "[" + string.Join(",",
            Envelope($"{tenant}-a", tenant, at, "anthropic", "{\"input_tokens\":25,\"cache_read_input_tokens\":4000,\"cache_creation_input_tokens\":900,\"output_tokens\":120}"),
            Envelope($"{tenant}-o", tenant, at, "openai", "{\"prompt_tokens\":1200,\"completion_tokens\":300,\"prompt_tokens_details\":{\"cached_tokens\":1000}}"),
            Envelope($"{tenant}-d", tenant, at, "deepseek", "{\"prompt_cache_hit_tokens\":800,\"prompt_cache_miss_tokens\":200,\"completion_tokens\":50}"),
            Envelope($"{tenant}-bad", tenant, at, "openai", "{\"prompt_tokens\":10,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":11}}")) + "]";

        await fixture.Broker.PublishAsync(body, queue: "tokenledger.usage-native.v1");

        var report = await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1),
            [new ModelTotals("claude-sonnet-4", 3, 25 + 200 + 200, 4000 + 1000 + 800, 900, 120 + 300 + 50)]);
        report.Models.ShouldBe([new ModelTotals("claude-sonnet-4", 3, 425, 5800, 900, 470)]);
    }

    [Fact]
    public async Task native_usage_over_http_reports_each_item_and_refuses_inconsistent_payloads()
    {
        var tenant = LedgerFixture.NewTenantId("nhttp");
        var at = Epoch.UtcNow.AddMinutes(-3);
        var body = "[" + Envelope($"{tenant}-1", tenant, at, "deepseek", "{\"prompt_tokens\":5,\"prompt_cache_hit_tokens\":1,\"prompt_cache_miss_tokens\":2,\"completion_tokens\":3}") + "]";

        var response = await fixture.Operator.PostAsync("/api/usage/native", new StringContent(body, Encoding.UTF8, "application/json"));

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("rejected").GetInt32().ShouldBe(1);
        result.GetProperty("items")[0].GetProperty("errors")[0].GetProperty("message").GetString()
            .ShouldBe("prompt_tokens (5) is not prompt_cache_hit_tokens + prompt_cache_miss_tokens (3)");
    }
}
