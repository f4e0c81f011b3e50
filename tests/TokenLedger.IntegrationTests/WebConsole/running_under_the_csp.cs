using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.WebConsole;

/// <summary>The console works under its Content-Security-Policy: chromium reports no violation while it renders a chart legend and tables.</summary>
[Collection(LedgerCollection.Name)]
public sealed class running_under_the_csp(LedgerFixture fixture)
{
    [Fact]
    public async Task the_finance_view_renders_its_charts_without_a_single_csp_violation()
    {
        var browser = await ConsoleBrowser.SharedAsync(fixture.Servers);
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "csp");
        await PostUsageAsync(fixture, [UsageOf(tenant, 700, fixture.MonthsAgo(4).At(10, 12))]);
        await FundedAsync(fixture, tenant, 1);
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = fixture.MonthsAgo(4).Period })).EnsureSuccessStatusCode();
        var key = (await (await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "finance" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var page = await browser.SignedInAsync(key);
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy")) violations.Add(message.Text); };

        await page.ReloadAsync();
        await page.GetByTestId("aging-chart").WaitForAsync();
        await page.GetByTestId("risk").WaitForAsync();

        var swatch = await page.Locator(".legend i").First.EvaluateAsync<string>("i => getComputedStyle(i).backgroundColor");
        swatch.ShouldBe("rgb(76, 139, 245)");
        violations.ShouldBeEmpty();
    }
}
