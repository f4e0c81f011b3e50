using NodaTime;

namespace TokenLedger.Reconciliation;

/// <summary>The ledger's side of one day and model: the distributor's rated usage and its wholesale cost.</summary>
public sealed record LedgerDay(LocalDate Date, string Model, TokenTotals Tokens, decimal Amount);

/// <summary>
/// Compares a statement with the ledger per day and model. Rows of the statement for the same day and model are added
/// up first. A pair matches when every token class differs by at most the token tolerance and the amount by at most
/// max(money tolerance, ledger amount × relative tolerance); otherwise upstream over-billed (the statement is higher)
/// or under-billed. Days and models on one side only are missing on the other. Pure.
/// </summary>
public static class Reconciler
{
    public static (IReadOnlyList<Finding> Findings, ReconciliationSummary Summary) Compare(
        IReadOnlyList<StatementRow> statement, IReadOnlyList<LedgerDay> ledger, Tolerances tolerances)
    {
        var billed = statement.GroupBy(r => (r.Date, r.Model)).ToDictionary(g => g.Key, g => (
            Tokens: new TokenTotals(g.Sum(r => r.InputTokens), g.Sum(r => r.CachedInputTokens), g.Sum(r => r.CacheWriteTokens), g.Sum(r => r.OutputTokens)),
            Amount: g.Sum(r => r.Amount), Line: g.Min(r => r.Line)));
        var rated = ledger.GroupBy(d => (d.Date, d.Model)).ToDictionary(g => g.Key, g => (
            Tokens: g.Aggregate(TokenTotals.Zero, (t, d) => new TokenTotals(t.Input + d.Tokens.Input, t.CachedInput + d.Tokens.CachedInput, t.CacheWrite + d.Tokens.CacheWrite, t.Output + d.Tokens.Output)),
            Amount: g.Sum(d => d.Amount)));

        var findings = billed.Keys.Union(rated.Keys)
            .OrderBy(k => k.Date).ThenBy(k => k.Model, StringComparer.Ordinal)
            .Select(key =>
            {
                var inStatement = billed.TryGetValue(key, out var s);
                var inLedger = rated.TryGetValue(key, out var l);
                var sTokens = inStatement ? s.Tokens : TokenTotals.Zero;
                var lTokens = inLedger ? l.Tokens : TokenTotals.Zero;
                var difference = s.Amount - l.Amount;
                var tokenDifference = sTokens.Minus(lTokens);
                var kind = !inLedger ? FindingKinds.MissingInLedger
                    : !inStatement ? FindingKinds.MissingInStatement
                    : Kind(difference, tokenDifference, l.Amount, tolerances);
                var percent = l.Amount != 0 ? Math.Round(difference / l.Amount * 100, 2, MidpointRounding.AwayFromZero) : (decimal?)null;
                var within = kind == FindingKinds.Matched && (difference != 0 || tokenDifference.LargestAbsolute != 0);
                return new Finding(key.Date, key.Model, kind, sTokens, s.Amount, lTokens, l.Amount, tokenDifference, difference, percent, within,
                    inStatement ? s.Line : null);
            })
            .ToList();
        return (findings, Summarise(findings));
    }

    private static string Kind(decimal difference, TokenTotals tokens, decimal ledgerAmount, Tolerances tolerances)
    {
        var moneyTolerance = Math.Max(tolerances.Money, Math.Abs(ledgerAmount) * tolerances.RelativePercent / 100);
        if (Math.Abs(difference) <= moneyTolerance && tokens.LargestAbsolute <= tolerances.Tokens) return FindingKinds.Matched;
        var sign = difference != 0 ? Math.Sign(difference) : Math.Sign(tokens.Total);
        return sign >= 0 ? FindingKinds.OverBilled : FindingKinds.UnderBilled;
    }

    private static ReconciliationSummary Summarise(IReadOnlyList<Finding> findings)
    {
        int Count(string kind) => findings.Count(f => f.Kind == kind);
        decimal Sum(Func<Finding, bool> where) => findings.Where(where).Sum(f => f.AmountDifference);
        return new ReconciliationSummary(
            Count(FindingKinds.Matched), Count(FindingKinds.OverBilled), Count(FindingKinds.UnderBilled),
            Count(FindingKinds.MissingInLedger), Count(FindingKinds.MissingInStatement),
            findings.Sum(f => f.StatementAmount), findings.Sum(f => f.LedgerAmount), findings.Sum(f => f.AmountDifference),
            Sum(f => f.Kind is FindingKinds.OverBilled or FindingKinds.MissingInLedger),
            -Sum(f => f.Kind is FindingKinds.UnderBilled or FindingKinds.MissingInStatement));
    }
}
