using NodaTime;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Prepayment;

// Facts recorded by commands on a distributor's upstream stream, and what the prepayment subscription decided from
// them and from rated usage, on the distributor's prepayment stream (see PrepaymentStreams).

/// <summary>
/// The distributor paid a deposit (or committed quota) to an upstream provider. <paramref name="Provider"/> empty: a general
/// deposit that pays for usage of any provider without a deposit of its own. <paramref name="VolumeDiscountPercent"/> is
/// kept for deposits recorded before the field was removed from the API; nothing reads it, and new deposits carry null.
/// </summary>
public sealed record UpstreamDepositRecorded(
    string DistributorId, string Provider, string DepositId, decimal Amount, string Currency, Instant PaidAt,
    string? Reference, decimal? VolumeDiscountPercent, Instant RecordedAt, string RecordedBy);

/// <summary>Below this prepaid balance (for the provider) the distributor is signalled <c>prepayment-low</c>.</summary>
public sealed record PrepaymentThresholdSet(string DistributorId, string Provider, decimal Threshold, string Currency, Instant SetAt, string SetBy);

/// <summary>
/// The wholesale cost of the usage of <paramref name="UsageProvider"/> rated by one ledger event (<paramref name="RatedBy"/>)
/// was drawn from the prepaid balance of <paramref name="Provider"/> (the same provider, or "" for the general deposit).
/// <paramref name="Covered"/> is the part the balance still held; the rest is consumption beyond the deposits.
/// </summary>
public sealed record PrepaymentDrawnDown(
    string DistributorId, string Provider, string UsageProvider, Guid RatedBy, string BatchId, long Events, decimal Amount, decimal Covered,
    decimal BalanceAfter, Instant RatedAt);

/// <summary>A distributor signal was raised; the relay publishes it to tokenledger.signals.v1.</summary>
public sealed record PrepaymentSignalRaised(DistributorSignalV1 Signal);

public static class PrepaymentStreams
{
    public const string FactsPrefix = "upstream:";
    public static string Facts(string distributorId) => FactsPrefix + distributorId;
    public static string Decisions(string distributorId) => $"prepayment:{distributorId}";
}
