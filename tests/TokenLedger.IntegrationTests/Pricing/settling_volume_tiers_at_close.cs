using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Pricing;

/// <summary>
/// Volume schedules end to end, on the pinned-clock service at 15 September 2026 (<see cref="PinnedClockLedgerFixture"/>):
/// a tenant crosses a retail tier on 15 June, its distributor a wholesale tier; the June invoice, the distributor's margins
/// and the reconciliation's expected cost are checked against figures computed here from the prices.
/// </summary>
[Collection(PinnedClockCollection.Name)]
public sealed class settling_volume_tiers_at_close(PinnedClockLedgerFixture fixture)
{
    private const string Model = "deepseek-v4-pro";
    private const long M = 1_000_000;

    private static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    private async Task<string> BookAsync(string prefix, string input, string output, object schedule)
    {
        var id = LedgerFixture.NewTenantId(prefix);
        var response = await fixture.Operator.PutAsJsonAsync($"/api/price-books/{id}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { new { model = Model, inputPerMillion = input, cachedInputPerMillion = "0", outputPerMillion = output } },
            volumeSchedules = new[] { schedule },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return id;
    }

    [Fact]
    public async Task a_tenant_crossing_a_tier_mid_month_gets_a_discount_line_and_the_distributor_pays_less_upstream()
    {
        // Retail: 2 / 8 CNY per M input / output; graduated over all classes: 0 % up to 100 M tokens, 4.5 % above, 10 % above 300 M.
        var retail = await BookAsync("vretail", "2", "8", new
        {
            models = new[] { Model }, mode = "graduated",
            tiers = new object[] { new { aboveTokens = 0, discountPercent = "0" }, new { aboveTokens = 100 * M, discountPercent = "4.5" }, new { aboveTokens = 300 * M, discountPercent = "10" } },
        });
        // Wholesale: 1 / 4 CNY per M; volume (all units): 3 % off every token once the month is above 150 M tokens.
        var wholesale = await BookAsync("vwhole", "1", "4", new
        {
            name = "DeepSeek volume", models = new[] { Model }, mode = "volume",
            tiers = new object[] { new { aboveTokens = 0, discountPercent = "0" }, new { aboveTokens = 150 * M, discountPercent = "3" } },
        });
        var distributor = LedgerFixture.NewTenantId("vdist");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Volume reseller", wholesalePriceBookId = wholesale })).EnsureSuccessStatusCode();
        var tenant = await TenantAsync(fixture, retail, "vol");
        UsageEventV1 At(string when, long input, long output) =>
            new($"{tenant}-{Guid.NewGuid():N}", DateTimeOffset.Parse(when), tenant, Model, input, 0, output, DistributorId: distributor);
        UsageEventV1[] usage =
        [
            At(Epoch.MonthsAgo(3).IsoAt(5, 10), 60 * M, 20 * M), // 80 M: 80 M so far
            At(Epoch.MonthsAgo(3).IsoAt(15, 10), 40 * M, 40 * M), // 80 M: 160 M so far, crosses 100 M: 60 of its 80 M are above
            At(Epoch.MonthsAgo(3).IsoAt(25, 10), 0, 50 * M),      // 50 M: 210 M, all above 100 M
            At(Epoch.MonthsAgo(2).StartIso, 0, 90 * M),      // July in Shanghai: not June's volume
        ];
        await PostUsageAsync(fixture, usage);
        await FundedAsync(fixture, tenant, usage.Length);

        // By hand, from the prices: retail
        var input = (60 + 40) * 2m;                                  // 100 M input tokens at 2 per M
        var output = (20 + 40 + 50) * 8m;                            // 110 M output tokens at 8 per M
        var crossing = (40 * 2m + 40 * 8m) * 60 / 80 * 4.5m / 100;   // the 15 June event: 60 of its 80 M tokens above 100 M
        var above = 50 * 8m * 4.5m / 100;                            // the 25 June event: all of it above
        var discount = crossing + above;
        var taxes = Round(input * 6 / 100) + Round(output * 6 / 100) + Round(-Round(discount) * 6 / 100);

        var closed = await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/invoices", new { period = Epoch.MonthsAgo(3).Period });
        closed.StatusCode.ShouldBe(HttpStatusCode.Created, await closed.Content.ReadAsStringAsync());
        var invoice = await closed.Content.ReadFromJsonAsync<JsonElement>();

        var lines = invoice.GetProperty("lines").EnumerateArray().ToList();
        lines.Select(l => (l.GetProperty("kind").GetString(), l.Dec("amount"))).ShouldBe(
            [("usage", Round(input)), ("usage", Round(output)), ("volume-discount", -Round(discount))]);
        lines[2].GetProperty("description").GetString().ShouldBe(
            $"Volume discount, {Model}, tier 2 (> 100,000,000 tokens): 4.5% off 110,000,000 of 210,000,000 tokens");
        invoice.Dec("subtotal").ShouldBe(Round(input) + Round(output) - Round(discount));
        invoice.Dec("taxTotal").ShouldBe(taxes);
        invoice.Dec("total").ShouldBe(Round(input) + Round(output) - Round(discount) + taxes);
        lines.Sum(l => l.Dec("amount") + l.Dec("taxAmount")).ShouldBe(invoice.Dec("total"));

        // By hand: wholesale. June's 210 M tokens are above 150 M, so 3 % comes off all of June's cost.
        var cost = (60 + 40) * 1m + (20 + 40 + 50) * 4m;
        var costDiscount = cost * 3 / 100;
        var margins = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(3).Period}&groupBy=model");
        var group = margins.GetProperty("groups").EnumerateArray().Single();
        (group.Dec("revenue"), group.Dec("cost"), group.Dec("margin")).ShouldBe((input + output - discount, cost - costDiscount, input + output - discount - (cost - costDiscount)));
        (group.Dec("volumeDiscount.revenue"), group.Dec("volumeDiscount.cost")).ShouldBe((discount, costDiscount));
        margins.Dec("cost").ShouldBe(cost - costDiscount);
        // July's one event is below 150 M: no discount on its cost.
        var july = await fixture.Operator.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/margins?period={Epoch.MonthsAgo(2).Period}&groupBy=model");
        july.Dec("cost").ShouldBe(90 * 4m);

        // The upstream statement bills each day net of the 3 %: the ledger expects exactly that.
        string Day(string date, long inputM, long outputM) => FormattableString.Invariant($"{date},{Model},{inputM * M},0,{outputM * M},{(inputM * 1m + outputM * 4m) * 97 / 100}\n");
        var statement = "date,model,input_tokens,cached_input_tokens,output_tokens,amount\n" + Day($"{Epoch.MonthsAgo(3).Period}-05", 60, 20) + Day($"{Epoch.MonthsAgo(3).Period}-15", 40, 40) + Day($"{Epoch.MonthsAgo(3).Period}-25", 0, 50);
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(statement)), "file", "june.csv");
        form.Add(new StringContent(Epoch.MonthsAgo(3).Period), "period");
        form.Add(new StringContent("0"), "moneyTolerance");
        var reconciled = await fixture.Operator.PostAsync($"/api/distributors/{distributor}/reconciliations", form);
        reconciled.StatusCode.ShouldBe(HttpStatusCode.Created, await reconciled.Content.ReadAsStringAsync());
        var findings = (await reconciled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings").EnumerateArray().ToList();
        findings.Select(f => (f.GetProperty("kind").GetString(), f.Dec("ledgerAmount"))).ShouldBe(
            [("matched", (60 * 1m + 20 * 4m) * 0.97m), ("matched", (40 * 1m + 40 * 4m) * 0.97m), ("matched", 50 * 4m * 0.97m)]);
    }

    [Fact]
    public async Task a_schedule_whose_tiers_do_not_ascend_is_a_400_naming_the_field()
    {
        var response = await fixture.Operator.PutAsJsonAsync($"/api/price-books/{LedgerFixture.NewTenantId("vbad")}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = new[] { new { model = Model, inputPerMillion = "2", cachedInputPerMillion = "0", outputPerMillion = "8" } },
            volumeSchedules = new[] { new { models = new[] { Model }, mode = "graduated", tiers = new[] { new { aboveTokens = 5 * M, discountPercent = "5" }, new { aboveTokens = 1 * M, discountPercent = "9" } } } },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("volumeSchedules[0].tiers[1].aboveTokens 1000000 must be greater than the previous tier's 5000000");
    }
}
