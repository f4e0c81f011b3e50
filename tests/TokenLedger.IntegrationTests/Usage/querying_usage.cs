using System.Net;
using System.Text;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

[Collection(LedgerCollection.Name)]
public sealed class querying_usage(LedgerFixture fixture)
{
    [Fact]
    public async Task the_interval_is_half_open_from_included_to_excluded()
    {
        var tenant = LedgerFixture.NewTenantId("edge");
        var from = fixture.MonthsAgo(3).Start;
        var to = from.AddHours(1);
        UsageEventV1 At(string id, DateTimeOffset at) => new($"{tenant}-{id}", at, tenant, "glm-4.6", 10, 1, 5);
        var atStart = At("start", from);
        var inside = At("inside", from.AddMinutes(30));
        var atEnd = At("end", to);
        var before = At("before", from.AddTicks(-10));
        await Post([atStart, inside, atEnd, before]);

        var report = await UsageSamples.QueryAsync(fixture.Operator, tenant, from, to);

        report.Models.ShouldBe([new ModelTotals("glm-4.6", 2, 20, 2, 0, 10)]);
        report.From.ShouldBe(fixture.MonthsAgo(3).StartIso);
        report.To.ShouldBe(fixture.MonthsAgo(3).IsoAt(1, 1));
    }

    [Fact]
    public async Task without_from_and_to_it_covers_the_current_calendar_month_in_the_tenants_zone()
    {
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("zone"), timeZone: "America/New_York");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var now = TimeZoneInfo.ConvertTime(Epoch.UtcNow, zone);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, zone.GetUtcOffset(new DateTime(now.Year, now.Month, 1)));
        var thisMonth = new UsageEventV1($"{tenant}-now", Epoch.UtcNow.AddMinutes(-1), tenant, "kimi-k2", 100, 0, 1);
        var lastMonth = new UsageEventV1($"{tenant}-old", monthStart.AddSeconds(-1), tenant, "kimi-k2", 999, 0, 1);
        await Post([thisMonth, lastMonth]);

        var report = await Eventually.Until(() => fixture.Operator.GetFromJsonAsync<UsageReport>($"/api/tenants/{tenant}/usage"), r => r is not null);

        report!.From.ShouldBe(monthStart.ToString("yyyy-MM-dd'T'HH:mm:sszzz"));
        report.Models.ShouldBe([new ModelTotals("kimi-k2", 1, 100, 0, 0, 1)]);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=" + Epoch.LongBeforeWithoutOffset, "from")]
    [InlineData("from=" + Epoch.LongBeforeNextDay + "&to=" + Epoch.LongBefore, "to must be later than from")]
    public async Task a_malformed_or_empty_interval_is_a_400_problem(string query, string expected)
    {
        var response = await fixture.Operator.GetAsync($"/api/tenants/acme/usage?{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(expected);
    }

    private async Task Post(IEnumerable<UsageEventV1> events)
    {
        var response = await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}

file static class HttpJson
{
    public static async Task<T?> GetFromJsonAsync<T>(this HttpClient client, string url) =>
        System.Text.Json.JsonSerializer.Deserialize<T>(await client.GetStringAsync(url), UsageSamples.Json);
}
