using Weasel.Postgresql.Tables;

namespace TokenLedger.Pricing.RatingUsage;

/// <summary>
/// The rating columns of a <c>usage_facts</c> row: both sides of the usage event's rating, unrounded, with the price
/// book version, context tier and discount that produced each, or why a side is unrated. Null statuses mean no rating
/// event has reached the row yet. A side once rated is never overwritten: a later <see cref="UsageBatchRated"/> only
/// fills sides that are unrated.
/// </summary>
public static class UsageCharges
{
    /// <summary>The ledger event whose rating set the retail side; the funding subscription pays each retail charge once, for that event.</summary>
    public const string RetailRatedBy = "retail_rated_by";
    /// <summary>The ledger event whose rating set the wholesale side; the prepayment subscription draws each wholesale cost once, for that event.</summary>
    public const string WholesaleRatedBy = "wholesale_rated_by";
    private static readonly string[] Sides = ["retail", "wholesale"];
    private static readonly (string Name, string Type)[] SideColumns =
    [
        ("status", "text"), ("reason", "text"), ("price_book", "text"), ("version", "int"), ("currency", "text"), ("model", "text"),
        ("tier", "int"), ("discount", "numeric"), ("input", "numeric"), ("cached_input", "numeric"), ("cache_write", "numeric"),
        ("output", "numeric"), ("amount", "numeric"),
    ];

    /// <summary>The rating columns in the order of <see cref="Arrays"/>.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["payer", RetailRatedBy, WholesaleRatedBy, .. Sides.SelectMany(side => SideColumns.Select(c => $"{side}_{c.Name}"))];

    /// <summary>The PostgreSQL array type of each of <see cref="Columns"/>, for <c>unnest(?::type[], ...)</c>.</summary>
    public static readonly IReadOnlyList<string> ArrayTypes =
        ["text", "uuid", "uuid", .. Sides.SelectMany(_ => SideColumns.Select(c => c.Type))];

    /// <summary>One array per column of <see cref="Columns"/>, one element per rating, as rated by ledger event <paramref name="ratedBy"/>.</summary>
    public static IEnumerable<object> Arrays(Guid ratedBy, IReadOnlyList<UsageRating> ratings)
    {
        yield return ratings.Select(r => r.Payer).ToArray();
        yield return ratings.Select(r => r.Retail.IsRated ? ratedBy : (Guid?)null).ToArray();
        yield return ratings.Select(r => r.Wholesale.IsRated ? ratedBy : (Guid?)null).ToArray();
        foreach (var side in new Func<UsageRating, SideRating>[] { r => r.Retail, r => r.Wholesale })
        {
            var sides = ratings.Select(side).ToArray();
            yield return sides.Select(s => s.IsRated ? "rated" : "unrated").ToArray();
            yield return sides.Select(s => s.UnratedReason).ToArray();
            yield return sides.Select(s => s.Charge?.PriceBookId).ToArray();
            yield return sides.Select(s => s.Charge?.Version).ToArray();
            yield return sides.Select(s => s.Charge?.Currency).ToArray();
            yield return sides.Select(s => s.Charge?.Model).ToArray();
            yield return sides.Select(s => s.Charge?.ContextTier).ToArray();
            yield return sides.Select(s => s.Charge?.DiscountPercent).ToArray();
            yield return sides.Select(s => s.Charge?.Input).ToArray();
            yield return sides.Select(s => s.Charge?.CachedInput).ToArray();
            yield return sides.Select(s => s.Charge?.CacheWrite).ToArray();
            yield return sides.Select(s => s.Charge?.Output).ToArray();
            yield return sides.Select(s => s.Charge?.Amount).ToArray();
        }
    }

    /// <summary>
    /// <c>set</c> assignments that take a rating from <paramref name="source"/> into <paramref name="target"/> for every side
    /// the target has not rated yet (the payer is set by the first rating event to reach the row).
    /// </summary>
    public static string KeepRatedAssignments(string target, string source)
    {
        var assignments = new List<string> { $"payer = coalesce({target}.payer, {source}.payer)" };
        foreach (var side in Sides)
        {
            var open = $"{target}.{side}_status is distinct from 'rated'";
            assignments.AddRange(SideColumns.Select(c => $"{side}_{c.Name} = case when {open} then {source}.{side}_{c.Name} else {target}.{side}_{c.Name} end"));
            assignments.Add($"{side}_rated_by = case when {open} then {source}.{side}_rated_by else {target}.{side}_rated_by end");
        }
        return string.Join(", ", assignments);
    }

    public static void AddColumns(Table table)
    {
        table.AddColumn<string>("payer");
        table.AddColumn<Guid>(RetailRatedBy);
        table.AddColumn<Guid>(WholesaleRatedBy);
        foreach (var side in Sides)
            foreach (var (name, type) in SideColumns)
                table.AddColumn($"{side}_{name}", type);
        table.Indexes.Add(new IndexDefinition("ix_usage_facts_unrated")
        {
            Columns = ["event_id"],
            Predicate = "retail_status = 'unrated' or wholesale_status = 'unrated'",
        });
        // The operator's unrated view counts each side's reasons from these alone (index-only scans).
        foreach (var side in Sides)
            table.Indexes.Add(new IndexDefinition($"ix_usage_facts_unrated_{side}_reason") { Columns = [$"{side}_reason"], Predicate = $"{side}_status = 'unrated'" });
    }
}
