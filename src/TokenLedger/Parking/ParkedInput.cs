using NodaTime;

namespace TokenLedger.Parking;

public static class ParkedStatus
{
    /// <summary>Deciding it threw on every attempt; it waits for an operator's retry.</summary>
    public const string Parked = "parked";

    /// <summary>A later input of an account that has a parked input: held back so the account is decided in ledger order.</summary>
    public const string Held = "held";

    /// <summary>Decided by a retry (once: the row and the decision are written in the same transaction).</summary>
    public const string Decided = "decided";
}

/// <summary>
/// One input of a money-deciding subscription (Funding: a tenant's account; Prepayment: a distributor's) that was not
/// decided in ledger order: parked after <see cref="ParkingOptions.Attempts"/> failed attempts, or held behind such an
/// input of the same account. Written by the subscription in the transaction that advances its progress.
/// </summary>
public sealed class ParkedInput
{
    /// <summary>"{subscription}-{sequence}-{account}", lower-case subscription: stable, so a replayed page writes the same row.</summary>
    public string Id { get; set; } = "";
    public string Subscription { get; set; } = "";

    /// <summary>The tenant (Funding) or distributor (Prepayment) whose account the input decides.</summary>
    public string AccountId { get; set; } = "";
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public string Status { get; set; } = ParkedStatus.Parked;

    /// <summary>For a held input, the parked input it waits behind.</summary>
    public string? HeldBehind { get; set; }
    public string? ExceptionType { get; set; }
    public string? Reason { get; set; }

    /// <summary>Attempts to decide it so far, over the first pass and every retry.</summary>
    public int Attempts { get; set; }
    public Instant ParkedAt { get; set; }
    public int Retries { get; set; }
    public string? RetriedBy { get; set; }
    public Instant? DecidedAt { get; set; }

    public static string IdFor(string subscription, long sequence, string accountId) =>
        $"{subscription.ToLowerInvariant()}-{sequence}-{accountId}";
}

/// <summary>
/// An operator asked to decide a parked input again (<c>POST /api/operator/parked/{id}/retry</c>). A fact on the
/// stream <c>parked:{id}</c>; the subscription named decides it in ledger order, with the inputs held behind it.
/// </summary>
public sealed record ParkedInputRetryRequested(string ParkedId, string Subscription, string AccountId, string RequestedBy, Instant RequestedAt);

public static class ParkedStreams
{
    public static string For(string parkedId) => $"parked:{parkedId}";
}
