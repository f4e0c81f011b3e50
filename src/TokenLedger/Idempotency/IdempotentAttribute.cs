namespace TokenLedger.Idempotency;

/// <summary>
/// Marks a command body whose POST is idempotent by key (Stripe's and the IETF <c>Idempotency-Key</c> draft's rules):
/// the same key and body replay the first answer; the same key with another body or operation answers 422.
/// The key is the <c>Idempotency-Key</c> header, else the body's <c>requestId</c> (an alias), else the natural key
/// named by <see cref="NaturalKey"/> (a body property that already dedupes the command, such as a bank reference).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IdempotentAttribute : Attribute
{
    /// <summary>A command that moves money: without any key it answers 400.</summary>
    public bool KeyRequired { get; init; }

    /// <summary>The camelCase body property that serves as the key when no other is given.</summary>
    public string? NaturalKey { get; init; }

    /// <summary>
    /// The command claims the key in its own transaction (<see cref="KeysInTransaction"/>), so the claim, the command
    /// and the kept answer are one commit; the middleware only resolves the key and binds it to the operation and body.
    /// </summary>
    public bool ClaimedByCommand { get; init; }
}
