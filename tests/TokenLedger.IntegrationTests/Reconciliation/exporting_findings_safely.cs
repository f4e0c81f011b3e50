using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.Contracts.Usage;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Reconciliation;

/// <summary>Hostile statement uploads: formula cells come back neutralised in the CSV export, and tolerances out of range answer 400.</summary>
[Collection(LedgerCollection.Name)]
public sealed class exporting_findings_safely(LedgerFixture fixture)
{
    private Task<string> DistributorAsync() => ReconciliationScenario.DistributorAsync(fixture, "csvsafe", "model-a");

    private Task<HttpResponseMessage> UploadAsync(string distributor, string csv, params (string Name, string Value)[] fields) =>
        ReconciliationScenario.UploadAsync(fixture.Operator, distributor, csv, "statement.csv", fixture.MonthsAgo(3).Period, fields);

    [Fact]
    public async Task formula_models_are_neutralised_in_the_csv_export_and_negative_amounts_stay_numbers()
    {
        var distributor = await DistributorAsync();
        var tenant = await TenantAsync(fixture, await UnitPriceBookAsync(fixture), "csv");
        var usage = new UsageEventV1($"{tenant}-1", fixture.MonthsAgo(3).At(3, 10), tenant, "model-a", 10_000, 0, 0, DistributorId: distributor);
        (await fixture.Operator.PostAsync("/api/usage", new StringContent(UsageSamples.ToJson(new[] { usage }), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var statement = "date,model,input_tokens,output_tokens,amount\n" +
                                 $"{fixture.MonthsAgo(3).Period}-01,=1+2,1000,0,1.00\n" +
                                 $"{fixture.MonthsAgo(3).Period}-01,@SUM(A1),1000,0,1.00\n" +
                                 $"{fixture.MonthsAgo(3).Period}-01,\"-2+3,cmd\",1000,0,1.00\n" +
                                 $"{fixture.MonthsAgo(3).Period}-01,+x,1000,0,1.00\n";
        var created = await UploadAsync(distributor, statement);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var reportId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reportId").GetString();

        var csv = await fixture.Operator.GetStringAsync($"/api/distributors/{distributor}/reconciliations/{reportId}?format=csv");

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.StartsWith($"{fixture.MonthsAgo(3).Period}-01,'=1+2,missing-in-ledger,"), csv);
        lines.ShouldContain(l => l.StartsWith($"{fixture.MonthsAgo(3).Period}-01,'@SUM(A1),"), csv);
        lines.ShouldContain(l => l.StartsWith($"{fixture.MonthsAgo(3).Period}-01,\"'-2+3,cmd\","), csv);
        lines.ShouldContain(l => l.StartsWith($"{fixture.MonthsAgo(3).Period}-01,'+x,"), csv);
        var missing = lines.Single(l => l.StartsWith($"{fixture.MonthsAgo(3).Period}-03,model-a,missing-in-statement,"));
        missing.Split(',')[15].ShouldStartWith("-0.02", Case.Sensitive, missing);
    }

    [Theory]
    [InlineData("tokenTolerance", "99999999999999999999999999", "tokenTolerance must be a whole number from 0 to 1,000,000,000,000")]
    [InlineData("tokenTolerance", "1000000000001", "tokenTolerance must be a whole number from 0 to 1,000,000,000,000")]
    [InlineData("tokenTolerance", "1.5", "tokenTolerance must be a whole number from 0 to 1,000,000,000,000")]
    [InlineData("relativeTolerancePercent", "100.01", "relativeTolerancePercent must be a number from 0 to 100, such as 0.01")]
    [InlineData("moneyTolerance", "1000000001", "moneyTolerance must be a number from 0 to 1,000,000,000, such as 0.01")]
    public async Task a_tolerance_out_of_range_answers_400_naming_it(string field, string value, string message)
    {
        var distributor = await DistributorAsync();

        var response = await UploadAsync(distributor, $"date,model,input_tokens,amount\n{fixture.MonthsAgo(3).Period}-01,model-a,1,0.01\n", (field, value));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)[0].GetString().ShouldBe(message);
    }
}
