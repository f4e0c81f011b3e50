using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shouldly;
using TokenLedger.Api.Demo;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// Issue 25, item 1: <c>ops/run --demo</c> seeds a whole market through the public API, so that every console view shows
/// real figures: rated usage at retail and wholesale, a two-hop chain, balances, a Coding Plan tenant refused at its cap,
/// two months of invoices issued on their real dates (most paid, one tenant overdue into dunning), prepayment drawn down and an upstream statement with exactly the two discrepancies
/// the demo put into it.
/// </summary>
public sealed class the_demo_market(ITestOutputHelper output)
{
    [Fact]
    public async Task seeds_prices_chains_balances_plans_invoices_payments_prepayment_and_a_statement()
    {
        await using var servers = await TestServers.StartAsync();
        var started = Stopwatch.StartNew();
        await using var app = await LedgerHost.StartAsync(servers, new Dictionary<string, string> { ["TOKENLEDGER_DEMO"] = "true" });
        var api = app.Client();

        var reports = await Eventually.Until(() => Json(api, "/api/distributors/cloudmart/reconciliations"),
            r => r is JsonArray { Count: > 0 }, TimeSpan.FromMinutes(8), "the demo's upstream statement");
        output.WriteLine($"seeded {started.Elapsed.TotalSeconds:N0} s after start");
        var summary = reports![0]!["summary"]!;
        ((int)summary["overBilled"]!).ShouldBe(1, "one day was billed 4 % higher");
        ((int)summary["missingInStatement"]!).ShouldBe(1, "one day is missing from the statement");
        ((int)summary["matched"]!).ShouldBeGreaterThan(25);

        foreach (var tenant in DemoCatalog.Tenants)
        {
            var invoices = (await Json(api, $"/api/tenants/{tenant.Id}/invoices"))!.AsArray();
            var expected = tenant.RequestsPerDay > 0 ? 2 : 0;
            invoices.Count.ShouldBe(expected, $"{tenant.Id}'s invoices for the two past months");
            foreach (var invoice in invoices)
            {
                ((decimal)invoice!["total"]!).ShouldBeGreaterThan(0m, $"{tenant.Id}: {invoice}");
                var monthAfter = YearMonth(invoice["period"]).PlusMonths(1);
                ((string)invoice["issueDate"]!).ShouldBe($"{monthAfter:yyyy-MM}-01", $"{tenant.Id}'s {invoice["period"]} is closed when it ended, as the automatic close would have");
            }
        }

        var receivables = (await Json(api, "/api/finance/receivables?pageSize=50"))!["tenants"]!.AsArray();
        string.Join(",", receivables.Select(t => (string)t!["tenantId"]!).Order()).ShouldBe("lingxi,nanjing-data", "everyone else paid");
        var nanjing = receivables.Single(t => (string)t!["tenantId"]! == "nanjing-data")!;
        var nanjingInvoices = (await Json(api, "/api/tenants/nanjing-data/invoices"))!.AsArray().OrderBy(i => (string)i!["period"]!).ToList();
        // Last month's invoices (issued on the 1st, net 15) are past due from the 17th in Shanghai, where both tenants are.
        var today = Epoch.Now.InZone(Epoch.Shanghai).Date;
        int DaysPastDue(JsonNode invoice) => NodaTime.Period.DaysBetween(NodaTime.Text.LocalDatePattern.Iso.Parse((string)invoice["dueDate"]!).Value, today);
        var lastMonthPastDue = DaysPastDue(nanjingInvoices[1]!);
        PastDue(nanjing).ShouldBe(nanjingInvoices.Where(i => DaysPastDue(i!) > 0).Sum(i => (decimal)i!["amountDue"]!),
            "nanjing-data's older invoice is past due; its last month's once the 16th is over");
        var lingxi = receivables.Single(t => (string)t!["tenantId"]! == "lingxi")!;
        PastDue(lingxi).ShouldBe(lastMonthPastDue > 0 ? (decimal)lingxi["open"]! : 0m, "lingxi's open invoice is last month's");

        var dunning = (await Json(api, "/api/finance/dunning"))!["tenants"]!.AsArray();
        dunning.Select(t => (string)t!["tenantId"]!).ShouldBe(lastMonthPastDue >= 7 ? ["lingxi", "nanjing-data"] : ["nanjing-data"],
            "the tenant that pays nothing is in dunning; lingxi too once its open invoice is a week past due (the reminder)");
        dunning[0]!["steps"]!.AsArray().Select(s => (string)s!).ShouldContain($"nanjing-data:{nanjingInvoices[0]!["invoiceId"]}:reminder",
            "its older invoice is at least two weeks past due, beyond the 7-day reminder");

        var margins = (await Json(api, $"/api/distributors/devshop/margins?period={reports[0]!["period"]}&groupBy=model"))!;
        ((decimal)margins["margin"]!).ShouldBeGreaterThan(0m, "devshop resells at retail above cloudmart's cost plus 5.5 %");
        var prepayment = (await Json(api, "/api/distributors/cloudmart/prepayment"))!["providers"]![0]!;
        ((decimal)prepayment["drawn"]!).ShouldBeGreaterThan(0m);

        var capped = await Eventually.Until(() => Json(api, $"/api/tenants/{DemoCatalog.PlanTenant}/balance"),
            b => b?["plan"]?["caps"]?.AsArray().Any(c => (decimal)c!["used"]! >= (decimal)c["limit"]!) == true,
            TimeSpan.FromSeconds(90), "the Coding Plan tenant to reach its 5-hour cap");
        ((int)capped!["totals"]!["signalsRaised"]!).ShouldBeGreaterThan(0);
        output.WriteLine($"cap reached {started.Elapsed.TotalSeconds:N0} s after start");
    }

    private static decimal PastDue(JsonNode tenant) => (decimal)tenant["open"]! - (decimal)tenant["aging"]!["current"]!;

    private static NodaTime.YearMonth YearMonth(JsonNode? period)
    {
        var parts = ((string)period!).Split('-');
        return new NodaTime.YearMonth(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<JsonNode?> Json(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }
}
