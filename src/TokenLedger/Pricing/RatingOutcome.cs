namespace TokenLedger.Pricing;

/// <summary>
/// The result of rating one request at one price book version: <see cref="Rated"/> or <see cref="Unrated"/>, nothing else
/// (the constructor is not visible outside this assembly, so the hierarchy is closed).
/// </summary>
public abstract record RatingOutcome
{
    private protected RatingOutcome() { }
}

/// <summary>The request was priced; <see cref="Charge"/> holds unrounded amounts and the version that priced them.</summary>
public sealed record Rated(Charge Charge) : RatingOutcome;

/// <summary>The request could not be priced, for the reason given (for example a model the price book has no price for).</summary>
public sealed record Unrated(string Reason) : RatingOutcome;

/// <summary>One usage event rated twice: at the wholesale (cost) price book and at the retail (sale) price book.</summary>
public sealed record WholesaleAndRetail(RatingOutcome Wholesale, RatingOutcome Retail);
