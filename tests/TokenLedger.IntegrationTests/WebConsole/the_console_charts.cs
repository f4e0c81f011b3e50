using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.WebConsole;

/// <summary>The console's charts, gauges and empty states, each checked against the figures the API answers.</summary>
[Collection(LedgerCollection.Name)]
public sealed class the_console_charts(LedgerFixture fixture)
{
    private Task<ConsoleBrowser> BrowserAsync() => ConsoleBrowser.SharedAsync(fixture.Servers);

    private async Task<string> KeyAsync(string path, object body) =>
        (await (await fixture.Operator.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

    private static decimal D(string? text) => decimal.Parse(text!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_tenant_sees_spend_per_day_adding_up_to_the_month_and_cap_gauges_with_their_reset_times()
    {
        var browser = await BrowserAsync();
        var book = await UnitPriceBookAsync(fixture);
        var plan = LedgerFixture.NewTenantId("gauge");
        (await fixture.Operator.PutAsJsonAsync($"/api/plans/{plan}", new
        {
            name = "Gauges", currency = "CNY", monthlyFee = 40, models = new[] { Model },
            caps = new object[] { new { window = "rolling-5h", unit = "requests", limit = 4 }, new { window = "month", unit = "tokens", limit = 10000 } }, overagePolicy = "payg",
        })).EnsureSuccessStatusCode();
        var tenant = await TenantAsync(fixture, book, "daily");
        (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/subscription", new { planId = plan })).EnsureSuccessStatusCode();
        await PostUsageAsync(fixture, [UsageOf(tenant, 1200, output: 300), UsageOf(tenant, 500), UsageOf(tenant, 2000)]);
        var balance = await FundedAsync(fixture, tenant, 3);
        var usage = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenant}/usage");

        var page = await browser.SignedInAsync(await KeyAsync($"/api/tenants/{tenant}/keys", new { }));
        var points = page.GetByTestId("daily-chart").Locator("circle");
        await points.First.WaitForAsync();
        var values = new List<decimal>();
        foreach (var point in await points.AllAsync()) values.Add(D(await point.GetAttributeAsync("data-value")));
        values.Sum().ShouldBe(D(usage.GetProperty("total").GetProperty("amount").GetString()));
        values.Sum().ShouldBe(4000m);
        // One point per day of the month up to today in the tenant's zone, today's the only one with spend.
        var today = Epoch.UtcNow.ToOffset(TimeSpan.FromHours(8));
        values.Count.ShouldBe(today.Day);
        (await points.Last.GetAttributeAsync("data-label")).ShouldBe(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        values[^1].ShouldBe(4000m);

        var caps = balance.GetProperty("plan").GetProperty("caps").EnumerateArray().ToList();
        caps.Count.ShouldBe(2);
        foreach (var cap in caps)
        {
            var shown = page.Locator($"[data-testid=cap-gauge][data-cap='{cap.GetProperty("name").GetString()}']");
            D(await shown.GetAttributeAsync("data-used")).ShouldBe(cap.Dec("used"));
            D(await shown.GetAttributeAsync("data-limit")).ShouldBe(cap.Dec("limit"));
            (await shown.GetAttributeAsync("data-resets-at")).ShouldBe(cap.GetProperty("resetsAt").GetString());
            (await shown.InnerTextAsync()).ShouldContain("Resets");
        }
        // 3 of 4 requests in the window is 75 %; 4,000 of 10,000 month tokens is 40 %.
        caps.Select(c => c.Dec("used")).ShouldBe([3m, 4000m]);
        (await page.Locator("[data-testid=cap-gauge][data-cap='rolling-5h:requests']").GetAttributeAsync("class")).ShouldBe("gauge ok");
    }

    [Fact]
    public async Task a_distributor_sees_margin_by_model_with_the_model_sold_below_cost_in_red()
    {
        var browser = await BrowserAsync();
        var distributor = LedgerFixture.NewTenantId("redbar");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Reseller", wholesalePriceBookId = await BookAsync("500000", "1500000") })).EnsureSuccessStatusCode();
        var tenant = await TenantAsync(fixture, await BookAsync("1000000", "1000000"), "redbar");
        var now = Epoch.UtcNow;
        UsageEventV1 E(string model, long tokens) => new($"{tenant}-{Guid.NewGuid():N}", now, tenant, model, tokens, 0, 0, DistributorId: distributor);
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(new[] { E("model-a", 400), E("model-b", 40) }), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var period = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var margins = await Eventually.Until(() => fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={period}&groupBy=model"),
            m => m.GetProperty("groups").GetArrayLength() == 2 && m.GetProperty("unratedEvents").GetInt64() == 0, TimeSpan.FromSeconds(60), "both models rated");

        var page = await browser.SignedInAsync(await KeyAsync("/api/keys", new { role = "distributor", distributorId = distributor }));
        var chart = page.GetByTestId("margins-chart");
        await chart.Locator("rect").First.WaitForAsync();
        foreach (var group in margins.GetProperty("groups").EnumerateArray())
        {
            var bar = chart.Locator($"rect[data-label='{group.GetProperty("group").GetString()}']");
            D(await bar.GetAttributeAsync("data-value")).ShouldBe(group.Dec("margin"));
            var red = (await bar.GetAttributeAsync("class"))!.Split(' ').Contains("negative");
            red.ShouldBe(group.GetProperty("negativeMargin").GetBoolean());
            (await bar.EvaluateAsync<string>("e => getComputedStyle(e).fill")).ShouldBe(red ? "rgb(217, 83, 79)" : "rgb(76, 139, 245)");
        }
        // model-b: revenue 40, cost 60.
        D(await chart.Locator("rect[data-label='model-b']").GetAttributeAsync("data-value")).ShouldBe(-20m);
    }

    [Fact]
    public async Task finance_sees_twelve_months_of_aging_as_the_api_reports_each_month_end()
    {
        // The chart is drawn for a currency with receivables: owe some CNY before the page first loads, so the test does not depend on other tests' closes.
        await Receivables.ReceivablesScenario.InvoiceAsync(fixture, await Receivables.ReceivablesScenario.TenantAsync(fixture, "aging"), "A1", 100m, Epoch.Today.PlusDays(-40), fixture.Now);
        var browser = await BrowserAsync();
        var page = await browser.SignedInAsync(await KeyAsync("/api/keys", new { role = "finance" }));
        var buckets = new[] { "current", "days1To30", "days31To60", "days61To90", "over90" };
        // Each month's end is midnight starting the next month in Shanghai; this month is as of now.
        var shanghai = Epoch.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var thisMonth = new DateTimeOffset(shanghai.Year, shanghai.Month, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var rows = Enumerable.Range(1, 11).Reverse().Select(back => thisMonth.AddMonths(1 - back).ToString("yyyy-MM-dd'T00:00:00+08:00'", CultureInfo.InvariantCulture))
            .Append("now").ToList();
        // Other tests close invoices in the same database meanwhile: compare when the API answered the same before and after the page read.
        for (var attempt = 1; ; attempt++)
        {
            var before = await Task.WhenAll(rows.Select(r => AgingAsync(r, buckets)));
            await page.ReloadAsync();
            var chart = page.Locator("[data-testid=aging-history-chart][data-currency=CNY]");
            await chart.WaitForAsync();
            (await chart.Locator("rect[data-bucket=current]").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.row)")).ShouldBe(rows);
            var shown = new List<List<decimal>>();
            foreach (var row in rows)
            {
                var values = new List<decimal>();
                foreach (var bucket in buckets) values.Add(D(await chart.Locator($"rect[data-row='{row}'][data-bucket={bucket}]").GetAttributeAsync("data-value")));
                shown.Add(values);
            }
            var after = await Task.WhenAll(rows.Select(r => AgingAsync(r, buckets)));
            if (!before.Zip(after).All(p => p.First.SequenceEqual(p.Second)) && attempt < 5) continue;
            for (var i = 0; i < rows.Count; i++) shown[i].ShouldBe(after[i], $"aging as of {rows[i]}");
            break;
        }
    }

    [Fact]
    public async Task a_fresh_tenant_and_a_fresh_distributor_are_told_what_to_do_next_in_both_languages()
    {
        var browser = await BrowserAsync();
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "fresh");
        var key = await KeyAsync($"/api/tenants/{tenant}/keys", new { });

        var page = await browser.SignedInAsync(key);
        (await page.GetByTestId("empty-usage").InnerTextAsync()).ShouldContain("POST /api/usage");
        (await page.GetByTestId("empty-usage").InnerTextAsync()).ShouldContain("tokenledger.usage.v1");
        (await page.GetByTestId("empty-invoices").InnerTextAsync()).ShouldContain($"POST /api/tenants/{tenant}/invoices");
        (await page.GetByTestId("spend-chart").CountAsync()).ShouldBe(0);
        (await page.GetByTestId("daily").CountAsync()).ShouldBe(0);

        var zh = await browser.SignedInAsync(key, "zh");
        (await zh.GetByTestId("empty-usage").InnerTextAsync()).ShouldContain("本月暂无用量");
        (await zh.GetByTestId("empty-invoices").InnerTextAsync()).ShouldContain("暂无发票");

        var distributor = LedgerFixture.NewTenantId("freshd");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "New reseller", wholesalePriceBookId = await BookAsync("500000", "1500000") })).EnsureSuccessStatusCode();
        var d = await browser.SignedInAsync(await KeyAsync("/api/keys", new { role = "distributor", distributorId = distributor }), "zh");
        (await d.GetByTestId("empty-margins").InnerTextAsync()).ShouldContain("distributorId");
        (await d.GetByTestId("empty-prepayment").InnerTextAsync()).ShouldContain($"POST /api/distributors/{distributor}/deposits");
    }

    private async Task<List<decimal>> AgingAsync(string? asOf, IEnumerable<string> buckets)
    {
        var api = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/finance/receivables?page=1&pageSize=1{(asOf is null or "now" ? "" : $"&asOf={Uri.EscapeDataString(asOf)}")}");
        var cny = api.GetProperty("totals").EnumerateArray().SingleOrDefault(c => c.GetProperty("currency").GetString() == "CNY");
        return buckets.Select(bucket => cny.ValueKind == JsonValueKind.Undefined ? 0m : cny.GetProperty("aging").GetProperty(bucket).GetDecimal()).ToList();
    }

    private Task<string> BookAsync(string a, string b) => FlatPriceBookAsync(fixture, "cbook", ("model-a", a), ("model-b", b));
}
