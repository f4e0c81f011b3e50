using NodaTime;

namespace TokenLedger.Reconciliation;

public static class FindingKinds
{
    public const string Matched = "matched";
    public const string OverBilled = "over-billed";
    public const string UnderBilled = "under-billed";
    /// <summary>The statement bills a day and model the ledger has no usage for.</summary>
    public const string MissingInLedger = "missing-in-ledger";
    /// <summary>The ledger has usage for a day and model the statement does not bill.</summary>
    public const string MissingInStatement = "missing-in-statement";
}

/// <summary>Tokens per class on one side of a day and model.</summary>
public sealed record TokenTotals(long Input, long CachedInput, long CacheWrite, long Output)
{
    public static readonly TokenTotals Zero = new(0, 0, 0, 0);
    public long Total => Input + CachedInput + CacheWrite + Output;
    public TokenTotals Minus(TokenTotals o) => new(Input - o.Input, CachedInput - o.CachedInput, CacheWrite - o.CacheWrite, Output - o.Output);
    public long LargestAbsolute => new[] { Input, CachedInput, CacheWrite, Output }.Max(Math.Abs);
}

/// <summary>
/// One day and model: what the statement billed, what the ledger rated, and the differences (statement minus ledger).
/// <see cref="WithinTolerance"/> is true for a match that is not exact.
/// </summary>
public sealed record Finding(
    LocalDate Date, string Model, string Kind, TokenTotals StatementTokens, decimal StatementAmount, TokenTotals LedgerTokens, decimal LedgerAmount,
    TokenTotals TokenDifference, decimal AmountDifference, decimal? DifferencePercent, bool WithinTolerance, int? StatementLine);

public sealed record ReconciliationSummary(
    int Matched, int OverBilled, int UnderBilled, int MissingInLedger, int MissingInStatement,
    decimal StatementAmount, decimal LedgerAmount, decimal AmountDifference, decimal OverBilledAmount, decimal UnderBilledAmount);
