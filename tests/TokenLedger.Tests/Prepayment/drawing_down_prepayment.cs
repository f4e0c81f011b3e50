using NodaTime;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Prepayment;
using TokenLedger.Prepayment.Drawdowns;

namespace TokenLedger.Tests.Prepayment;

/// <summary>Given a distributor's prepayment facts, when usage, a deposit or a threshold arrives, then these events are decided. No I/O.</summary>
public sealed class drawing_down_prepayment
{
    private const string D = "resell";
    private static readonly Instant At = Instant.FromUtc(2026, 6, 1, 0, 0);
    private readonly PrepaymentAccount _account = new() { Id = D };
    private long _sequence;

    private IReadOnlyList<object> When(object input)
    {
        var decided = PrepaymentDecider.Decide(_account, input, ++_sequence);
        if (input is not WholesaleUsage) _account.Apply(input);
        foreach (var e in decided) _account.Apply(e);
        return decided;
    }

    private static UpstreamDepositRecorded Deposit(decimal amount, string provider = "") =>
        new(D, provider, Guid.NewGuid().ToString("N"), amount, "CNY", At, null, null, At, "k");

    private static WholesaleUsage Usage(decimal amount, string provider = "deepseek") => new(D, provider, Guid.NewGuid(), "b1", 3, amount, At);

    private static PrepaymentThresholdSet Threshold(decimal amount, string provider = "") => new(D, provider, amount, "CNY", At, "k");

    [Fact]
    public void a_distributor_that_never_deposited_is_not_drawn()
    {
        When(Usage(10m)).ShouldBeEmpty();
    }

    [Fact]
    public void usage_draws_the_general_deposit_and_records_what_it_still_covered()
    {
        When(Deposit(100m));
        var first = When(Usage(60m)).OfType<PrepaymentDrawnDown>().Single();
        (first.Provider, first.Amount, first.Covered, first.BalanceAfter).ShouldBe(("", 60m, 60m, 40m));
        var second = When(Usage(55.5m)).OfType<PrepaymentDrawnDown>().Single();
        (second.Covered, second.BalanceAfter).ShouldBe((40m, -15.5m));
        When(Usage(1m)).OfType<PrepaymentDrawnDown>().Single().Covered.ShouldBe(0m);
    }

    [Fact]
    public void usage_of_a_provider_with_its_own_deposit_draws_that_one()
    {
        When(Deposit(100m));
        When(Deposit(50m, "qwen"));
        When(Usage(20m, "qwen")).OfType<PrepaymentDrawnDown>().Single().Provider.ShouldBe("qwen");
        When(Usage(5m, "kimi")).OfType<PrepaymentDrawnDown>().Single().Provider.ShouldBe("");
        (_account.Providers["qwen"].Balance, _account.Providers[""].Balance).ShouldBe((30m, 95m));
    }

    [Fact]
    public void falling_below_the_threshold_signals_once_and_a_deposit_recovers_it()
    {
        When(Deposit(100m));
        When(Threshold(30m)).ShouldBeEmpty();
        When(Usage(60m)).OfType<PrepaymentSignalRaised>().ShouldBeEmpty();
        var low = When(Usage(20m)).OfType<PrepaymentSignalRaised>().Single().Signal;
        (low.Signal, low.Balance, low.Threshold, low.RoutingKey).ShouldBe((DistributorSignals.PrepaymentLow, 20m, 30m, $"distributor.{D}.prepayment-low"));
        When(Usage(15m)).OfType<PrepaymentSignalRaised>().ShouldBeEmpty();
        When(Deposit(5m)).ShouldBeEmpty();
        var recovered = When(Deposit(50m)).OfType<PrepaymentSignalRaised>().Single().Signal;
        (recovered.Signal, recovered.Balance).ShouldBe((DistributorSignals.PrepaymentRecovered, 60m));
        When(Usage(40m)).OfType<PrepaymentSignalRaised>().Single().Signal.Signal.ShouldBe(DistributorSignals.PrepaymentLow);
    }

    [Fact]
    public void raising_the_threshold_above_the_balance_signals_low_at_once()
    {
        When(Deposit(100m));
        When(Threshold(150m)).OfType<PrepaymentSignalRaised>().Single().Signal.Signal.ShouldBe(DistributorSignals.PrepaymentLow);
        When(Threshold(50m)).OfType<PrepaymentSignalRaised>().Single().Signal.Signal.ShouldBe(DistributorSignals.PrepaymentRecovered);
    }

    [Fact]
    public void signal_ids_are_deterministic_per_crossing()
    {
        When(Deposit(10m));
        When(Threshold(20m)).OfType<PrepaymentSignalRaised>().Single().Signal.SignalId.ShouldBe($"{D}::prepayment-low:2");
    }
}
