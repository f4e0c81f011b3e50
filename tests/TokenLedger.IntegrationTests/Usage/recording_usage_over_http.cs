using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

[Collection(LedgerCollection.Name)]
public sealed class recording_usage_over_http(LedgerFixture fixture)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task each_item_is_reported_as_accepted_duplicate_or_rejected_with_reasons()
    {
        var tenant = LedgerFixture.NewTenantId("http");
        var at = Epoch.UtcNow.AddMinutes(-2);
        var events = UsageSamples.Events(tenant, 2, at);
        var body = $"[{UsageSamples.ToJson(events[0])},{UsageSamples.ToJson(events[1])},{UsageSamples.ToJson(events[0])}," +
                   $"{{\"eventId\":\"{tenant}-bad\",\"occurredAt\":\"{fixture.MonthsAgo(3).Period}-01T10:00:00+08:00\",\"tenantId\":\"{tenant}\",\"model\":\"m\",\"inputTokens\":-1,\"cachedInputTokens\":0,\"outputTokens\":\"7\"}}]";

        var response = await fixture.Operator.PostAsync("/api/usage", Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("accepted").GetInt32().ShouldBe(2);
        result.GetProperty("duplicates").GetInt32().ShouldBe(1);
        result.GetProperty("rejected").GetInt32().ShouldBe(1);
        var items = result.GetProperty("items");
        items[2].GetProperty("status").GetString().ShouldBe("duplicate");
        items[3].GetProperty("status").GetString().ShouldBe("rejected");
        var errors = items[3].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        errors.ShouldBe(["outputTokens", "inputTokens"], ignoreOrder: true);

        var report = await UsageSamples.QueryAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1));
        report.Models.ShouldBe(UsageSamples.Totals(events));
    }

    [Fact]
    public async Task posting_the_same_events_again_counts_them_once()
    {
        var tenant = LedgerFixture.NewTenantId("again");
        var at = Epoch.UtcNow.AddMinutes(-3);
        var events = UsageSamples.Events(tenant, 50, at);
        var json = UsageSamples.ToJson(events);

        var first = await (await fixture.Operator.PostAsync("/api/usage", Json(json))).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await fixture.Operator.PostAsync("/api/usage", Json(json))).Content.ReadFromJsonAsync<JsonElement>();

        first.GetProperty("accepted").GetInt32().ShouldBe(50);
        second.GetProperty("accepted").GetInt32().ShouldBe(0);
        second.GetProperty("duplicates").GetInt32().ShouldBe(50);
        (await UsageSamples.QueryAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBe(UsageSamples.Totals(events));
    }

    [Theory]
    [InlineData("{\"eventId\":\"x\"}", "JSON array")]
    [InlineData("[{\"eventId\":", "not valid JSON")]
    [InlineData("[]", "empty array")]
    [InlineData("\"text\"", "JSON array")]
    public async Task a_body_that_is_not_an_array_of_events_is_a_400_problem(string body, string reason)
    {
        var response = await fixture.Operator.PostAsync("/api/usage", Json(body));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain(reason);
    }

    [Fact]
    public async Task more_than_a_thousand_items_is_a_400_problem_and_nothing_is_recorded()
    {
        var tenant = LedgerFixture.NewTenantId("big");
        var at = Epoch.UtcNow.AddMinutes(-1);
        var response = await fixture.Operator.PostAsync("/api/usage", Json(UsageSamples.ToJson(UsageSamples.Events(tenant, 1001, at))));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("1001 items");
        (await UsageSamples.QueryAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1))).Models.ShouldBeEmpty();
    }
}
