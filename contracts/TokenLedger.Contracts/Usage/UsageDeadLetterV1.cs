namespace TokenLedger.Contracts.Usage;

/// <summary>
/// Published to <c>tokenledger.usage.v1.dead-letter</c> for every refused message or array item, with the reasons
/// and the refused text (truncated to 64 KiB). Valid items of the same message are recorded normally.
/// </summary>
public sealed record UsageDeadLetterV1(
    string Reason,
    IReadOnlyList<UsageFieldErrorV1> Errors,
    int? Index,
    string? EventId,
    string Payload,
    DateTimeOffset ReceivedAt);

public sealed record UsageFieldErrorV1(string Field, string Message);
