namespace TokenLedger.Access;

/// <summary>Authentication settings, section <c>TokenLedger:Access</c>; the admin key comes from TOKENLEDGER_ADMIN_KEY.</summary>
public sealed class AccessOptions
{
    public const string Section = "TokenLedger:Access";

    /// <summary>An operator key taken from configuration (TOKENLEDGER_ADMIN_KEY); never stored. Null: no environment key.</summary>
    public string? AdminKey { get; set; }

    /// <summary>How long a looked-up key (or the fact that a key id is unknown) is trusted; a revocation takes effect within it. 1–30.</summary>
    public int CacheSeconds { get; set; } = 30;

    /// <summary>Known keys kept in the auth cache.</summary>
    public int CachedKeys { get; set; } = 10_000;

    /// <summary>Unknown key ids remembered, so that repeating one costs no database lookup.</summary>
    public int CachedUnknownKeys { get; set; } = 10_000;

    /// <summary>How often the last use of each key is written; the listing shows it to within this.</summary>
    public int LastUsedFlushSeconds { get; set; } = 60;

    public string? Invalid() =>
        CacheSeconds is < 1 or > 30 ? $"{Section}:CacheSeconds is {CacheSeconds}: give 1 to 30"
        : CachedKeys is < 1 or > 1_000_000 ? $"{Section}:CachedKeys is {CachedKeys}: give 1 to 1000000"
        : CachedUnknownKeys is < 1 or > 1_000_000 ? $"{Section}:CachedUnknownKeys is {CachedUnknownKeys}: give 1 to 1000000"
        : LastUsedFlushSeconds is < 1 or > 3600 ? $"{Section}:LastUsedFlushSeconds is {LastUsedFlushSeconds}: give 1 to 3600"
        : null;
}
