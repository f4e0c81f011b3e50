using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Shouldly;
using TokenLedger.Usage.Facts;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// contracts/examples/usage-report.json (an operator's view of GET /api/tenants/{id}/usage) is what the real response
/// type reads and what <see cref="UsageReport.Build"/> writes for the same per-model sums.
/// </summary>
public class reading_the_usage_report_example
{
    /// <summary>The service's HTTP JSON options: web defaults plus NodaTime (see HttpSetup).</summary>
    private static readonly JsonSerializerOptions Http =
        new JsonSerializerOptions(JsonSerializerDefaults.Web).ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    private static TenantUsageResponse Example() =>
        JsonSerializer.Deserialize<TenantUsageResponse>(ContractFiles.ExampleText("usage-report.json"), Http)!;

    private static decimal Amount(Money money) => decimal.Parse(money.Amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    [Fact]
    public void the_example_reads_as_the_response_type_for_june_in_shanghai()
    {
        var report = Example();

        report.TenantId.ShouldBe("acme");
        report.From.ShouldBe(new OffsetDateTime(new LocalDateTime(2026, 6, 1, 0, 0), Offset.FromHours(8)));
        report.To.ShouldBe(new OffsetDateTime(new LocalDateTime(2026, 7, 1, 0, 0), Offset.FromHours(8)));
        report.Models.Select(m => m.Model).ShouldBe(["deepseek-chat", "deepseek-v4-pro", "glm-4.5-flash", "kimi-k2", "qwen3-max"]);
        report.Models.ShouldAllBe(m => m.Charge.Currency == "CNY" && m.CostUnratedEvents != null && m.Cost != null);
    }

    [Fact]
    public void total_and_cost_are_the_sums_of_the_rows_and_margins_are_charge_minus_cost()
    {
        var report = Example();

        Amount(report.Total).ShouldBe(report.Models.Sum(m => Amount(m.Charge)));
        Amount(report.Cost!).ShouldBe(report.Models.Sum(m => Amount(m.Cost!)));
        foreach (var row in report.Models.Where(m => m.Margin is not null))
            Amount(row.Margin!).ShouldBe(Amount(row.Charge) - Amount(row.Cost!));
    }

    [Fact]
    public void margin_is_omitted_exactly_where_an_event_is_unrated_on_either_side()
    {
        var report = Example();

        report.Models.Where(m => m.Margin is null).Select(m => m.Model).ShouldBe(["kimi-k2", "qwen3-max"]);
        report.Models.Single(m => m.Model == "kimi-k2").UnratedEvents.ShouldBe(37);                 // no retail price
        report.Models.Single(m => m.Model == "kimi-k2").Charge.ShouldBe(new Money("0", "CNY"));
        report.Models.Single(m => m.Model == "qwen3-max").CostUnratedEvents.ShouldBe(2);            // a payer without a wholesale book
        report.Models.Where(m => m.Margin is not null).ShouldAllBe(m => m.UnratedEvents == 0 && m.CostUnratedEvents == 0);
        report.Margin.ShouldBeNull();
    }

    [Fact]
    public void the_free_model_is_rated_at_zero()
    {
        var glm = Example().Models.Single(m => m.Model == "glm-4.5-flash");

        (glm.Events, glm.UnratedEvents, glm.CostUnratedEvents).ShouldBe((512L, 0L, (long?)0));
        (glm.Charge, glm.Cost, glm.Margin).ShouldBe((new Money("0", "CNY"), new Money("0", "CNY"), new Money("0", "CNY")));
    }

    [Fact]
    public void the_example_is_exactly_what_the_service_writes_for_an_operator_and_without_cost_for_anyone_else()
    {
        var example = Example();
        var rows = example.Models.Select(Row).ToList();
        var interval = new UsageInterval(example.From, example.To);

        var operatorView = JsonSerializer.SerializeToNode(UsageReport.Build("acme", interval, rows, "CNY", showCost: true), Http);
        JsonNode.DeepEquals(operatorView, JsonNode.Parse(ContractFiles.ExampleText("usage-report.json")))
            .ShouldBeTrue(operatorView!.ToJsonString());

        var tenantView = JsonSerializer.SerializeToNode(UsageReport.Build("acme", interval, rows, "CNY", showCost: false), Http)!.AsObject();
        tenantView.Select(p => p.Key).ShouldBe(["tenantId", "from", "to", "models", "total"]);
        tenantView["models"]!.AsArray().ShouldAllBe(m => !m!.AsObject().ContainsKey("cost") && !m.AsObject().ContainsKey("costUnratedEvents")
                                                         && !m.AsObject().ContainsKey("margin"));
    }

    /// <summary>The database row behind one model of the example (one wholesale currency wherever cost is shown).</summary>
    private static ModelTotalsRow Row(ModelUsage m) => new(
        m.Model, m.Events, m.InputTokens, m.CachedInputTokens, m.CacheWriteTokens, m.OutputTokens,
        m.UnratedEvents, Amount(m.Charge), m.UnratedEvents == m.Events ? null : m.Charge.Currency,
        m.CostUnratedEvents!.Value, Amount(m.Cost!), m.CostUnratedEvents == m.Events ? null : m.Cost!.Currency,
        m.CostUnratedEvents == m.Events ? 0 : 1);
}
