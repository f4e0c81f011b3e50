using NodaTime;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Prepayment.Drawdowns;

/// <summary>The wholesale cost of a distributor's usage of one provider, rated by one ledger event.</summary>
public sealed record WholesaleUsage(string DistributorId, string Provider, Guid RatedBy, string BatchId, long Events, decimal Amount, Instant RatedAt);

/// <summary>
/// Decides what a deposit, a new threshold or rated wholesale usage does to a distributor's prepaid balances:
/// drawdowns (usage of a provider draws on that provider's deposit, else on the general one; a distributor that has
/// never deposited is not tracked) and the low/recovered signals, once per crossing. Pure: state in, events out.
/// </summary>
public static class PrepaymentDecider
{
    public static IReadOnlyList<object> Decide(PrepaymentAccount state, object input, long sequence) => input switch
    {
        UpstreamDepositRecorded d => Recovered(state, d.DistributorId, d.Provider, d.Amount, d.RecordedAt, sequence),
        PrepaymentThresholdSet t => ThresholdChanged(state, t, sequence),
        WholesaleUsage u => Drawn(state, u, sequence),
        _ => [],
    };

    private static IReadOnlyList<object> Recovered(PrepaymentAccount state, string distributorId, string provider, decimal amount, Instant at, long sequence)
    {
        var p = state.Providers.GetValueOrDefault(provider);
        if (p is not { Low: true, Threshold: { } threshold } || p.Balance + amount < threshold) return [];
        return [Signal(state, distributorId, provider, DistributorSignals.PrepaymentRecovered, p.Balance + amount, threshold, at, sequence)];
    }

    private static IReadOnlyList<object> ThresholdChanged(PrepaymentAccount state, PrepaymentThresholdSet t, long sequence)
    {
        var p = state.Providers.GetValueOrDefault(t.Provider);
        var balance = p?.Balance ?? 0m;
        var low = p?.Low ?? false;
        if (!low && balance < t.Threshold)
            return [Signal(state, t.DistributorId, t.Provider, DistributorSignals.PrepaymentLow, balance, t.Threshold, t.SetAt, sequence)];
        if (low && balance >= t.Threshold)
            return [Signal(state, t.DistributorId, t.Provider, DistributorSignals.PrepaymentRecovered, balance, t.Threshold, t.SetAt, sequence)];
        return [];
    }

    private static IReadOnlyList<object> Drawn(PrepaymentAccount state, WholesaleUsage u, long sequence)
    {
        if (u.Amount == 0 || state.AccountFor(u.Provider) is not { } provider) return [];
        var p = state.Providers[provider];
        var covered = Math.Clamp(p.Balance, 0m, u.Amount);
        var after = p.Balance - u.Amount;
        var drawn = new PrepaymentDrawnDown(u.DistributorId, provider, u.Provider, u.RatedBy, u.BatchId, u.Events, u.Amount, covered, after, u.RatedAt);
        if (p.Low || p.Threshold is not { } threshold || after >= threshold) return [drawn];
        return [drawn, Signal(state, u.DistributorId, provider, DistributorSignals.PrepaymentLow, after, threshold, u.RatedAt, sequence)];
    }

    private static PrepaymentSignalRaised Signal(
        PrepaymentAccount state, string distributorId, string provider, string signal, decimal balance, decimal threshold, Instant at, long sequence) =>
        new(new DistributorSignalV1($"{distributorId}:{provider}:{signal}:{sequence}", distributorId, signal, provider, balance, threshold,
            state.Currency ?? "", at.ToDateTimeOffset()));
}
