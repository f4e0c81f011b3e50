namespace TokenLedger.Faults.Workload;

/// <summary>Event count and token sums of one (tenant, model), as the ledger must report them.</summary>
public sealed record TokenSums(long Events, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens)
{
    public static readonly TokenSums Zero = new(0, 0, 0, 0, 0);

    public long TotalTokens => InputTokens + CachedInputTokens + CacheWriteTokens + OutputTokens;

    public TokenSums Add(UsageEventSpec e) =>
        new(Events + 1, InputTokens + e.InputTokens, CachedInputTokens + e.CachedInputTokens, CacheWriteTokens + e.CacheWriteTokens,
            OutputTokens + e.OutputTokens);

    public override string ToString() => $"{Events} events, in {InputTokens}, cached {CachedInputTokens}, write {CacheWriteTokens}, out {OutputTokens}";
}
