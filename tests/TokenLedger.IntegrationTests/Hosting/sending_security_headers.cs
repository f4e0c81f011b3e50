using System.Net;
using System.Net.Http.Headers;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Hosting;

[Collection(LedgerCollection.Name)]
public sealed class sending_security_headers(LedgerFixture fixture)
{
    [Theory]
    [InlineData("/console/", null)]
    [InlineData("/console/app.js", null)]
    [InlineData("/api/me", LedgerHost.AdminKey)]
    [InlineData("/api/me", null)]
    [InlineData("/api/tenants/nobody-here", LedgerHost.AdminKey)]
    public async Task the_console_and_the_api_send_csp_nosniff_and_a_referrer_policy(string path, string? key)
    {
        var response = await fixture.App.Client(key).GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("script-src 'self'");
        csp.ShouldNotContain("unsafe-inline");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    [Fact]
    public async Task metrics_are_open_by_default()
    {
        (await fixture.App.Client(key: null).GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task metrics_ask_for_the_metrics_key_when_one_is_configured()
    {
        await using var host = await LedgerHost.StartAsync(fixture.Servers, new Dictionary<string, string> { ["TOKENLEDGER_METRICS_KEY"] = "scrape-me-123" });

        (await host.Client(key: null).GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Client("wrong-key").GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var scraper = host.Client(key: null);
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-me-123");
        (await scraper.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.Client(key: null).GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
