using NodaTime;
using Shouldly;
using TokenLedger.Reconciliation;

namespace TokenLedger.Tests.Reconciliation;

public sealed class comparing_with_the_ledger
{
    private static readonly LocalDate June1 = new(2026, 6, 1);

    private static StatementRow Billed(string model, long input, decimal amount, int line = 2) => new(line, June1, model, input, 0, 0, 0, amount);
    private static LedgerDay Rated(string model, long input, decimal amount) => new(June1, model, new TokenTotals(input, 0, 0, 0), amount);

    [Fact]
    public void a_relative_tolerance_widens_the_money_tolerance_for_large_amounts()
    {
        var tolerances = new Tolerances(0.01m, 0.5m, 0);
        Reconciler.Compare([Billed("m", 100, 1000.40m)], [Rated("m", 100, 1000m)], tolerances).Findings.Single().Kind.ShouldBe(FindingKinds.Matched);
        Reconciler.Compare([Billed("m", 100, 1005.01m)], [Rated("m", 100, 1000m)], tolerances).Findings.Single().Kind.ShouldBe(FindingKinds.OverBilled);
        Reconciler.Compare([Billed("m", 100, 994m)], [Rated("m", 100, 1000m)], tolerances).Findings.Single().Kind.ShouldBe(FindingKinds.UnderBilled);
    }

    [Fact]
    public void token_differences_beyond_the_token_tolerance_are_findings_even_when_the_money_matches()
    {
        var finding = Reconciler.Compare([Billed("m", 105, 1m)], [Rated("m", 100, 1m)], new Tolerances(0.01m, 0, 4)).Findings.Single();
        (finding.Kind, finding.TokenDifference.Input).ShouldBe((FindingKinds.OverBilled, 5L));
        Reconciler.Compare([Billed("m", 104, 1m)], [Rated("m", 100, 1m)], new Tolerances(0.01m, 0, 4)).Findings.Single().WithinTolerance.ShouldBeTrue();
    }

    [Fact]
    public void rows_of_the_same_day_and_model_add_up_and_one_sided_rows_are_missing_on_the_other_side()
    {
        var (findings, summary) = Reconciler.Compare(
            [Billed("m", 60, 0.6m, 2), Billed("m", 40, 0.4m, 3), Billed("ghost", 5, 0.05m, 4)], [Rated("m", 100, 1m)], new Tolerances(0.01m, 0, 0));
        findings.Select(f => (f.Model, f.Kind, f.StatementLine)).ShouldBe([("ghost", FindingKinds.MissingInLedger, (int?)4), ("m", FindingKinds.Matched, (int?)2)]);
        (summary.MissingInLedger, summary.OverBilledAmount, summary.AmountDifference).ShouldBe((1, 0.05m, 0.05m));
    }
}
