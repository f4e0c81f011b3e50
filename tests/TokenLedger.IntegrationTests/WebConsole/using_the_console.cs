using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using Xunit.Abstractions;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.WebConsole;

/// <summary>The console in headless chromium against the real service; each test refreshes a screenshot under docs/screenshots/.</summary>
[Collection(LedgerCollection.Name)]
public sealed class using_the_console(LedgerFixture fixture, ITestOutputHelper output)
{
    private Task<ConsoleBrowser> BrowserAsync() => ConsoleBrowser.SharedAsync(fixture.Servers);

    private async Task<string> KeyAsync(string path, object body) =>
        (await (await fixture.Operator.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

    private async Task<double> FirstPaintAsync(IPage page) =>
        await page.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1");

    [Fact]
    public async Task a_tenant_sees_this_months_spend_with_the_right_total_and_downloads_last_months_invoice()
    {
        var browser = await BrowserAsync();
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "ui");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "示例科技 Example Tech" })).EnsureSuccessStatusCode();
        await PostUsageAsync(fixture, [UsageOf(tenant, 1200, output: 300), UsageOf(tenant, 500), UsageOf(tenant, 40, fixture.MonthsAgo(3).At(10, 12))]);
        await FundedAsync(fixture, tenant, 3);
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = fixture.MonthsAgo(3).Period })).EnsureSuccessStatusCode();
        var api = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/usage");

        var page = await browser.SignedInAsync(await KeyAsync($"/api/tenants/{tenant}/keys", new { }));
        var total = page.GetByTestId("spend-total");
        (await total.GetAttributeAsync("data-amount")).ShouldBe(api.GetProperty("total").GetProperty("amount").GetString());
        decimal.Parse((await total.GetAttributeAsync("data-amount"))!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(2000m);
        (await page.GetByTestId("spend-chart").Locator("rect").CountAsync()).ShouldBe(1);
        await page.GetByTestId("invoices").Locator("button[data-pdf]").First.WaitForAsync();
        output.WriteLine($"tenant view first contentful paint: {await FirstPaintAsync(page):F0} ms");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("invoices").Locator("button[data-pdf]").First.ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.pdf");
        await download.SaveAsAsync(path);
        Encoding.ASCII.GetString(File.ReadAllBytes(path)[..5]).ShouldBe("%PDF-");
        download.SuggestedFilename.ShouldStartWith("TL-");

        await page.GetByTestId("invoices").Locator("button[data-lines]").First.ClickAsync();
        await page.GetByTestId("invoice-lines").Locator("button[data-line]").First.ClickAsync();
        await page.GetByTestId("line-events").Locator("h4").WaitForAsync();
        (await page.GetByTestId("line-events").Locator("tr").CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_tenant_key_cannot_open_another_tenants_pages()
    {
        var browser = await BrowserAsync();
        var book = await UnitPriceBookAsync(fixture);
        var mine = await TenantAsync(fixture, book, "mine");
        var theirs = await TenantAsync(fixture, book, "theirs");
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{theirs}", new { name = "Their Secret Co" })).EnsureSuccessStatusCode();

        var page = await browser.SignedInAsync(await KeyAsync($"/api/tenants/{mine}/keys", new { }));
        await page.GotoAsync($"/console/#/tenant/{theirs}");
        await page.ReloadAsync();
        await page.GetByTestId("spend").WaitForAsync();
        (await page.ContentAsync()).ShouldNotContain("Their Secret Co");
        (await page.GetByTestId("spend").InnerTextAsync()).ShouldContain($"Tenant {mine}");
        var status = await page.EvaluateAsync<int>($"async () => (await fetch('/api/tenants/{theirs}/usage', {{ headers: {{ Authorization: 'Bearer ' + sessionStorage.getItem('tl-key') }} }})).status");
        status.ShouldBe(404);
        (await page.Locator("#nav a").AllInnerTextsAsync()).ShouldBe(["Tenant"]);
    }

    [Fact]
    public async Task finance_sees_the_aging_buckets_the_api_reports()
    {
        var browser = await BrowserAsync();
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "aging");
        await PostUsageAsync(fixture, [UsageOf(tenant, 700, fixture.MonthsAgo(4).At(10, 12)), UsageOf(tenant, 300, fixture.MonthsAgo(3).At(10, 12))]);
        await FundedAsync(fixture, tenant, 2);
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = fixture.MonthsAgo(4).Period })).EnsureSuccessStatusCode();
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = fixture.MonthsAgo(3).Period })).EnsureSuccessStatusCode();

        var page = await browser.SignedInAsync(await KeyAsync("/api/keys", new { role = "finance" }));
        var buckets = new[] { "current", "days1To30", "days31To60", "days61To90", "over90" };
        // Other tests close invoices in the same database meanwhile: compare the chart with the API's answer when the
        // API answered the same just before and just after the page read its figures.
        for (var attempt = 1; ; attempt++)
        {
            var before = await AgingAsync(buckets);
            await page.ReloadAsync();
            await page.GetByTestId("aging-chart").WaitForAsync();
            var shown = new List<decimal>();
            foreach (var bucket in buckets)
            {
                var value = await page.GetByTestId("aging-chart").Locator($"rect[data-bucket={bucket}]").First.GetAttributeAsync("data-value");
                shown.Add(decimal.Parse(value!, System.Globalization.CultureInfo.InvariantCulture));
            }
            var after = await AgingAsync(buckets);
            if (!before.SequenceEqual(after) && attempt < 5) continue;
            shown.ShouldBe(after);
            break;
        }
        await page.GetByTestId("risk").WaitForAsync();
        await page.GetByTestId("dunning").WaitForAsync();
        output.WriteLine($"finance view first contentful paint: {await FirstPaintAsync(page):F0} ms");
    }

    private async Task<List<decimal>> AgingAsync(IEnumerable<string> buckets)
    {
        var api = await fixture.Operator.GetFromJsonAsync<JsonElement>("/api/finance/receivables?page=1&pageSize=50");
        var cny = api.GetProperty("totals").EnumerateArray().Single(c => c.GetProperty("currency").GetString() == "CNY").GetProperty("aging");
        return buckets.Select(bucket => cny.GetProperty(bucket).GetDecimal()).ToList();
    }

    [Fact]
    public async Task a_distributor_uploads_an_upstream_statement_and_sees_the_findings()
    {
        var browser = await BrowserAsync();
        var distributor = await Prepayment.PrepaymentScenario.DistributorAsync(fixture);
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "dui");
        var june = fixture.MonthsAgo(3).At(2, 10);
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(new[]
        {
            UsageOf(tenant, 1000, june) with { DistributorId = distributor }, UsageOf(tenant, 400, june.AddDays(1)) with { DistributorId = distributor },
        }), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        (await fixture.Operator.PostAsJsonAsync($"/api/distributors/{distributor}/deposits",
            new { amount = 1000, currency = "CNY", paidAt = fixture.MonthsAgo(3).UtcAt(1), reference = "WIRE-UI" })).EnsureSuccessStatusCode();
        var page = await browser.SignedInAsync(await KeyAsync("/api/keys", new { role = "distributor", distributorId = distributor }));
        // This month has no usage through the distributor yet: the view says what to do next instead of drawing a chart.
        await page.GetByTestId("empty-margins").WaitForAsync();
        await page.GetByTestId("margins-form").Locator("input[name=period]").FillAsync(fixture.MonthsAgo(3).Period);
        await page.GetByTestId("margins-form").Locator("button[type=submit]").ClickAsync();
        await page.GetByTestId("margins-chart").Locator("rect").First.WaitForAsync();
        var form = page.GetByTestId("recon-form");
        await form.Locator("input[name=period]").FillAsync(fixture.MonthsAgo(3).Period);
        // 0.5 per token wholesale: June 2 costs 500 (billed 515, 3 % over), June 3 (200) is missing from the statement.
        await form.Locator("input[name=file]").SetInputFilesAsync(new FilePayload
        {
            Name = $"upstream-{fixture.MonthsAgo(3).Period}.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"date,model,input_tokens,output_tokens,amount\n{fixture.MonthsAgo(3).Period}-02,{Model},1000,0,515\n"),
        });
        await form.Locator("button[type=submit]").ClickAsync();
        var summary = page.GetByTestId("findings-summary");
        await summary.WaitForAsync();
        (await summary.InnerTextAsync()).ShouldContain("over-billed 1");
        (await summary.InnerTextAsync()).ShouldContain("missing-in-statement 1");
        (await page.GetByTestId("findings").Locator("tr[data-kind=over-billed]").CountAsync()).ShouldBe(1);
        output.WriteLine($"distributor view first contentful paint: {await FirstPaintAsync(page):F0} ms");

        (await fixture.Operator.PostAsync("/api/usage", new StringContent($"[{{\"eventId\":\"{tenant}-bad\",\"tenantId\":\"{tenant}\",\"inputTokens\":-1}}]",
            Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var operatorPage = await browser.SignedInAsync(LedgerHost.AdminKey, "zh");
        await operatorPage.GetByTestId("unrated-total").WaitForAsync();
        await operatorPage.GetByTestId("ingested").WaitForAsync();
        var deadLetters = await fixture.Operator.GetFromJsonAsync<JsonElement>("/api/operator/dead-letters");
        var shown = await operatorPage.GetByTestId("dead-letter-total").InnerTextAsync();
        long.Parse(new string(shown.Where(char.IsDigit).ToArray())).ShouldBe(deadLetters.GetProperty("total").GetInt64());
        deadLetters.GetProperty("total").GetInt64().ShouldBeGreaterThan(0);
        (await operatorPage.GetByTestId("dead-letter-recent").InnerTextAsync()).ShouldContain($"{tenant}-bad");
    }
}
