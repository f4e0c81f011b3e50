using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Reconciliation;

/// <summary>On the pinned-clock service at 15 September 2026 (<see cref="PinnedClockLedgerFixture"/>): June's usage is in the past whatever today is.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class reconciling_a_statement(PinnedClockLedgerFixture fixture)
{
    /// <summary>model-a: 2 per million input tokens; model-b: 8 per million output tokens.</summary>
    private Task<string> DistributorAsync() => ReconciliationScenario.DistributorAsync(fixture, "recon", "model-a", "model-b");

    private Task<HttpResponseMessage> UploadAsync(HttpClient client, string distributor, string csv, string? period = null) =>
        ReconciliationScenario.UploadAsync(client, distributor, csv, $"deepseek-{Epoch.MonthsAgo(3).Period}.csv", period ?? Epoch.MonthsAgo(3).Period);

    [Fact]
    public async Task a_statement_with_a_missing_day_an_over_billed_model_and_a_rounding_difference_yields_exactly_those_findings()
    {
        var distributor = await DistributorAsync();
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "rc");
        UsageEventV1 At(string day, string model, long input, long output) =>
            new($"{tenant}-{Guid.NewGuid():N}", DateTimeOffset.Parse($"{Epoch.MonthsAgo(3).Period}-{day}T10:00:00+08:00"), tenant, model, input, 0, output, DistributorId: distributor);
        // The last minute of June 3 in Shanghai is still June 3; 00:30 on July 1 is not June.
        var events = new[]
        {
            At("01", "model-a", 1_000_000, 0), At("01", "model-b", 0, 500_000), At("02", "model-a", 123_457, 0),
            At("03", "model-a", 10_000, 0) with { OccurredAt = Epoch.MonthsAgo(3).At(3, 23, 59) },
            At("01", "model-a", 777, 0) with { OccurredAt = Epoch.MonthsAgo(2).At(1, 0, 30) },
        };
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        // Upstream's export: June 3 is missing, model-b is billed 3% above its price (4.00 → 4.12), and June 2 is rounded
        // to cents (0.246914 → 0.25), inside the default tolerance of 0.01.
        var statement = "date,model,input_tokens,cached_input_tokens,output_tokens,amount\n" +
                                 $"{Epoch.MonthsAgo(3).Period}-01,model-a,1000000,0,0,2.00\n" +
                                 $"{Epoch.MonthsAgo(3).Period}-01,model-b,0,0,500000,4.12\n" +
                                 $"{Epoch.MonthsAgo(3).Period}-02,model-a,123457,0,0,0.25\n";
        var own = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = distributor });
        var created = await UploadAsync(own, distributor, statement);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var report = await created.Content.ReadFromJsonAsync<JsonElement>();

        var findings = report.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("date").GetString(), f.GetProperty("model").GetString(), f.GetProperty("kind").GetString(), f.GetProperty("withinTolerance").GetBoolean()))
            .ToList();
        findings.ShouldBe(
        [
            ($"{Epoch.MonthsAgo(3).Period}-01", "model-a", "matched", false),
            ($"{Epoch.MonthsAgo(3).Period}-01", "model-b", "over-billed", false),
            ($"{Epoch.MonthsAgo(3).Period}-02", "model-a", "matched", true),
            ($"{Epoch.MonthsAgo(3).Period}-03", "model-a", "missing-in-statement", false),
        ]);
        var overBilled = report.GetProperty("findings")[1];
        (overBilled.Dec("statementAmount"), overBilled.Dec("ledgerAmount"), overBilled.Dec("amountDifference"), overBilled.Dec("differencePercent"))
            .ShouldBe((4.12m, 4m, 0.12m, 3m));
        report.GetProperty("findings")[2].Dec("amountDifference").ShouldBe(0.25m - 0.246914m);
        var missing = report.GetProperty("findings")[3];
        (missing.GetProperty("ledgerTokens").GetProperty("input").GetInt64(), missing.Dec("amountDifference")).ShouldBe((10_000L, -0.02m));
        var summary = report.GetProperty("summary");
        (summary.GetProperty("matched").GetInt32(), summary.GetProperty("overBilled").GetInt32(), summary.GetProperty("missingInStatement").GetInt32()).ShouldBe((2, 1, 1));

        var reportId = report.GetProperty("reportId").GetString();
        (await UploadAsync(own, distributor, statement)).StatusCode.ShouldBe(HttpStatusCode.OK); // the same upload is the same report
        var csv = await own.GetStringAsync($"/api/distributors/{distributor}/reconciliations/{reportId}?format=csv");
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(5);
        csv.ShouldContain($"{Epoch.MonthsAgo(3).Period}-01,model-b,over-billed,false,0,0,0,500000,4.12,0,0,0,500000,4.000000,0,0.120000,3.00,3", Case.Sensitive, csv);

        // Usage of June 3 that arrives late is not in the stored run; a re-run sees it.
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(new[] { At("03", "model-b", 0, 1_000) }), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var rerun = await (await own.PostAsync($"/api/distributors/{distributor}/reconciliations/{reportId}/rerun", null)).Content.ReadFromJsonAsync<JsonElement>();
        rerun.GetProperty("run").GetInt32().ShouldBe(2);
        rerun.GetProperty("summary").GetProperty("missingInStatement").GetInt32().ShouldBe(2);
        (await own.GetFromJsonAsync<JsonElement>($"/api/distributors/{distributor}/reconciliations"))[0].GetProperty("run").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task a_distributor_reconciles_the_tokens_it_sells_on_to_a_sub_distributor_at_its_own_cost()
    {
        var distributor = await DistributorAsync();
        var reseller = LedgerFixture.NewTenantId("hop");
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{reseller}", new { name = "Sub-distributor" })).EnsureSuccessStatusCode();
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{reseller}/upstream",
            new { parentDistributorId = distributor, commissionPercent = 10, effectiveFrom = Epoch.LongAgo })).EnsureSuccessStatusCode();
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "rh");
        UsageEventV1 At(string day, string? via, long input) =>
            new($"{tenant}-{Guid.NewGuid():N}", DateTimeOffset.Parse($"{Epoch.MonthsAgo(3).Period}-{day}T10:00:00+08:00"), tenant, "model-a", input, 0, 0, DistributorId: via);
        var events = new[] { At("01", distributor, 1_000_000), At("01", reseller, 500_000), At("02", reseller, 2_000_000) };
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(events), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        // The provider bills the top of the chain for every token at its book (2 per million), the sub-distributor's too;
        // the sub-distributor's own cost (its parent's price plus 10 %) is not what the provider bills.
        var statement = "date,model,input_tokens,cached_input_tokens,output_tokens,amount\n" +
                                 $"{Epoch.MonthsAgo(3).Period}-01,model-a,1500000,0,0,3.00\n" +
                                 $"{Epoch.MonthsAgo(3).Period}-02,model-a,2000000,0,0,4.00\n";
        var created = await UploadAsync(fixture.Operator, distributor, statement);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var summary = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary");
        (summary.GetProperty("matched").GetInt32(), summary.GetProperty("overBilled").GetInt32(), summary.Dec("ledgerAmount")).ShouldBe((2, 0, 7m));
    }

    [Fact]
    public async Task malformed_statements_are_refused_with_line_numbers_and_other_distributors_see_nothing()
    {
        var distributor = await DistributorAsync();
        var bad = await UploadAsync(fixture.Operator, distributor, $"date,model,input_tokens,amount\n{Epoch.MonthsAgo(3).Period}-01,model-a,12,1.00\n{Epoch.MonthsAgo(3).Year}-13-01,model-a,-5,abc\n");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var text = await bad.Content.ReadAsStringAsync();
        text.ShouldContain($"line 3: date '{Epoch.MonthsAgo(3).Year}-13-01' is not a date");
        text.ShouldContain("input_tokens '-5' is not a whole number");
        text.ShouldContain("amount 'abc' is not a number");
        (await UploadAsync(fixture.Operator, distributor, $"day,tokens\n{Epoch.MonthsAgo(3).Period}-01,5\n")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await UploadAsync(fixture.Operator, distributor, $"date,model,input_tokens,amount\n{Epoch.MonthsAgo(3).Period}-01,a,1,1\n", period: "June")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var other = await fixture.ClientWithNewKeyAsync("/api/keys", new { role = "distributor", distributorId = "someone-else" });
        (await UploadAsync(other, distributor, $"date,model,input_tokens,amount\n{Epoch.MonthsAgo(3).Period}-01,a,1,1\n")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
