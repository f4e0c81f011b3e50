namespace TokenLedger.Contracts.Signals;

/// <summary>
/// A message to a distributor's systems on the topic exchange <c>tokenledger.signals.v1</c>, routing key
/// <c>distributor.{distributorId}.{signal}</c>. Sent when the distributor's prepaid upstream balance for a provider falls
/// below the low-balance threshold it set, and when a deposit lifts it back to or above the threshold. The same
/// crossing is signalled once; <see cref="SignalId"/> is stable, so a consumer that sees it twice can drop the copy.
/// </summary>
/// <param name="SignalId">Deterministic id of this crossing.</param>
/// <param name="DistributorId">The distributor whose prepayment it is.</param>
/// <param name="Signal">One of <see cref="DistributorSignals"/>.</param>
/// <param name="Provider">The upstream provider of the prepaid balance; empty for the distributor's general deposit.</param>
/// <param name="Balance">Deposits minus drawdowns when the signal was raised (negative: consumption beyond the deposits).</param>
/// <param name="Threshold">The low-balance threshold.</param>
/// <param name="Currency">Currency of the balance and threshold.</param>
/// <param name="At">The instant of the fact that caused the crossing (the rating of usage, a deposit or a new threshold).</param>
public sealed record DistributorSignalV1(
    string SignalId,
    string DistributorId,
    string Signal,
    string Provider,
    decimal Balance,
    decimal Threshold,
    string Currency,
    DateTimeOffset At)
{
    public string RoutingKey => $"distributor.{DistributorId}.{Signal}";
}

public static class DistributorSignals
{
    public const string PrepaymentLow = "prepayment-low";
    public const string PrepaymentRecovered = "prepayment-recovered";
}
