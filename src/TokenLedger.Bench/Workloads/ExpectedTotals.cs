namespace TokenLedger.Bench.Workloads;

/// <summary>Event count and token sums of a set of usage events.</summary>
public readonly record struct TokenSums(long Events, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens)
{
    public long TotalTokens => InputTokens + CachedInputTokens + CacheWriteTokens + OutputTokens;

    public TokenSums Plus(UsageSample e) => new(
        Events + 1, InputTokens + e.InputTokens, CachedInputTokens + e.CachedInputTokens,
        CacheWriteTokens + e.CacheWriteTokens, OutputTokens + e.OutputTokens);

    public override string ToString() =>
        $"events={Events} input={InputTokens} cached={CachedInputTokens} cacheWrite={CacheWriteTokens} output={OutputTokens}";
}

/// <summary>What the ledger must show once it has caught up: per (tenant, model) and per tenant, unique valid events only.</summary>
public sealed class ExpectedTotals
{
    private readonly Dictionary<(string Tenant, string Model), TokenSums> _byTenantModel = [];
    private readonly Dictionary<string, TokenSums> _byTenant = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public long Events { get; private set; }
    public long TotalTokens { get; private set; }

    public void Add(UsageSample e)
    {
        lock (_lock)
        {
            _byTenantModel[(e.TenantId, e.Model)] = _byTenantModel.GetValueOrDefault((e.TenantId, e.Model)).Plus(e);
            _byTenant[e.TenantId] = _byTenant.GetValueOrDefault(e.TenantId).Plus(e);
            Events++;
            TotalTokens += e.TotalTokens;
        }
    }

    public IReadOnlyDictionary<(string Tenant, string Model), TokenSums> ByTenantModel
    {
        get { lock (_lock) return new Dictionary<(string, string), TokenSums>(_byTenantModel); }
    }

    public IReadOnlyDictionary<string, TokenSums> ByTenant
    {
        get { lock (_lock) return new Dictionary<string, TokenSums>(_byTenant, StringComparer.Ordinal); }
    }

    public string[] TenantIds
    {
        get { lock (_lock) return [.. _byTenant.Keys]; }
    }
}
