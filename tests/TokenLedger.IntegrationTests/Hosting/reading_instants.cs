using System.Net;
using System.Text;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;
using static TokenLedger.IntegrationTests.Prepayment.PrepaymentScenario;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// Every instant a request carries, in a JSON body or a query string, is read the same way: RFC 3339 with Z or with an
/// offset, and anything else is a 400 that names the field and the accepted forms.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class reading_instants(LedgerFixture fixture)
{
    private const string Past = Epoch.LongBefore, PastWithOffset = Epoch.LongBeforeWithOffset;
    private const string Future = Epoch.FarAhead, FutureWithOffset = Epoch.FarAheadWithOffset;
    private const string NoOffset = Epoch.LongBeforeWithoutOffset;

    /// <summary>One instant of one endpoint: {at} in the path or body is the instant, {n} a fresh id.</summary>
    public sealed record Case(string Field, HttpMethod Method, string Path, string? Body, string Z, string Offset);

    private static IEnumerable<Case> Cases(string tenant, string distributor) =>
    [
        new("effectiveFrom", HttpMethod.Put, $"/api/distributors/{distributor}/upstream", """{"effectiveFrom":"{at}"}""", Past, PastWithOffset),
        new("paidAt", HttpMethod.Post, $"/api/distributors/{distributor}/deposits",
            """{"amount":1,"currency":"CNY","paidAt":"{at}","reference":"r-{n}","requestId":"dep-{n}"}""", Past, PastWithOffset),
        new("expiresAt", HttpMethod.Post, $"/api/tenants/{tenant}/credits",
            """{"amount":1,"currency":"CNY","expiresAt":"{at}","priority":1,"reason":"goodwill","requestId":"cr-{n}"}""", Future, FutureWithOffset),
        new("validFrom", HttpMethod.Post, $"/api/tenants/{tenant}/packages",
            $$"""{"name":"p","sizeTokens":10,"pricePaid":1,"currency":"CNY","validFrom":"{at}","validTo":"{{Epoch.FarAhead}}","requestId":"pk-{n}"}""", Past, PastWithOffset),
        new("validTo", HttpMethod.Post, $"/api/tenants/{tenant}/packages",
            $$"""{"name":"p","sizeTokens":10,"pricePaid":1,"currency":"CNY","validFrom":"{{Epoch.LongBefore}}","validTo":"{at}","requestId":"pk-{n}"}""", Future, FutureWithOffset),
        new("receivedAt", HttpMethod.Post, $"/api/tenants/{tenant}/payments",
            """{"amount":1,"currency":"CNY","receivedAt":"{at}","method":"bank-transfer","reference":"pay-{n}"}""", Past, PastWithOffset),
        new("effectiveFrom", HttpMethod.Put, "/api/price-books/book-{n}",
            """{"currency":"CNY","effectiveFrom":"{at}","prices":[{"model":"m","inputPerMillion":"1","cachedInputPerMillion":"1","outputPerMillion":"1"}]}""", Past, PastWithOffset),
        new("from", HttpMethod.Post, "/api/rerating",
            $$"""{"tenantId":"{{tenant}}","from":"{at}","to":"{{Epoch.LongBeforeNextMonth}}","reason":"check"}""", Past, PastWithOffset),
        new("to", HttpMethod.Post, "/api/rerating",
            $$"""{"tenantId":"{{tenant}}","from":"{{Epoch.LongBeforePreviousMonth}}","to":"{at}","reason":"check"}""", Past, PastWithOffset),
        new("effectiveFrom", HttpMethod.Post, "/api/price-books/lite-{n}/import/litellm?effectiveFrom={at}",
            """{"m":{"litellm_provider":"openai","mode":"chat","input_cost_per_token":1e-06,"output_cost_per_token":2e-06}}""", Past, PastWithOffset),
        new("from", HttpMethod.Get, $"/api/tenants/{tenant}/usage?from={{at}}&to={Epoch.LongBeforeNextMonth}", null, Past, PastWithOffset),
        new("to", HttpMethod.Get, $"/api/tenants/{tenant}/usage?from={Epoch.LongBeforePreviousMonth}&to={{at}}", null, Past, PastWithOffset),
        new("since", HttpMethod.Get, "/api/operator/dead-letters?since={at}", null, Past, PastWithOffset),
        new("until", HttpMethod.Get, $"/api/operator/dead-letters?since={Epoch.LongBeforePreviousMonth}&until={{at}}", null, Past, PastWithOffset),
        new("asOf", HttpMethod.Get, $"/api/distributors/{distributor}/exposure?asOf={{at}}", null, Past, PastWithOffset),
        new("asOf", HttpMethod.Get, "/api/finance/receivables?asOf={at}", null, Past, PastWithOffset),
        new("asOf", HttpMethod.Get, "/api/finance/risk?asOf={at}", null, Past, PastWithOffset),
    ];

    [Fact]
    public async Task every_instant_in_a_body_or_query_accepts_z_and_an_offset_and_names_the_field_otherwise()
    {
        var distributor = await DistributorAsync(fixture);
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "instants");
        var failures = new List<string>();
        foreach (var c in Cases(tenant, distributor))
        {
            foreach (var at in new[] { c.Z, c.Offset })
            {
                var (status, text) = await SendAsync(c, at);
                if ((int)status is < 200 or > 299) failures.Add($"{c.Method} {c.Path} {c.Field}={at}: {(int)status} {text}");
            }
            var (badStatus, badText) = await SendAsync(c, NoOffset);
            if (badStatus != HttpStatusCode.BadRequest || !badText.Contains($"{c.Field} must be {TokenLedger.Infrastructure.Rfc3339.Forms}"))
                failures.Add($"{c.Method} {c.Path} {c.Field}={NoOffset}: {(int)badStatus} {badText}");
        }
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task an_instant_of_the_wrong_json_type_is_a_400_naming_the_field()
    {
        var distributor = await DistributorAsync(fixture);
        var response = await fixture.Operator.PutAsync($"/api/distributors/{distributor}/upstream",
            new StringContent("""{"effectiveFrom":20260101}""", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"effectiveFrom\":[\"effectiveFrom must be an RFC 3339 instant");
    }

    private async Task<(HttpStatusCode, string)> SendAsync(Case c, string at)
    {
        var n = Guid.NewGuid().ToString("N")[..12];
        var path = c.Path.Replace("{at}", Uri.EscapeDataString(at)).Replace("{n}", n);
        var request = new HttpRequestMessage(c.Method, path);
        if (c.Body is not null) request.Content = new StringContent(c.Body.Replace("{at}", at).Replace("{n}", n), Encoding.UTF8, "application/json");
        var response = await fixture.Operator.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
