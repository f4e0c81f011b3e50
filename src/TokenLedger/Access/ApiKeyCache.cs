using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace TokenLedger.Access;

/// <summary>
/// The auth cache: two size-bounded memory caches, one for keys found and one for key ids that are not stored, so a
/// flood of unknown ids can neither evict real keys nor grow memory, and a repeated unknown id costs no lookup.
/// </summary>
public sealed class ApiKeyCache : IDisposable
{
    private readonly MemoryCache _known;
    private readonly MemoryCache _unknown;
    private readonly TimeSpan _lifetime;

    public ApiKeyCache(IOptions<AccessOptions> options)
    {
        var o = options.Value;
        _known = new MemoryCache(new MemoryCacheOptions { SizeLimit = o.CachedKeys });
        _unknown = new MemoryCache(new MemoryCacheOptions { SizeLimit = o.CachedUnknownKeys });
        _lifetime = TimeSpan.FromSeconds(o.CacheSeconds);
    }

    /// <summary>True when the cache knows the answer: the key, or null for an id that is not stored.</summary>
    public bool TryGet(string keyId, out ApiKey? key)
    {
        if (_known.TryGetValue(keyId, out key)) return true;
        key = null;
        return _unknown.TryGetValue(keyId, out _);
    }

    /// <summary>Answers remembered from the database since start: one per lookup.</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    private long _lookups;

    public void Remember(string keyId, ApiKey? key)
    {
        Interlocked.Increment(ref _lookups);
        var entry = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime };
        if (key is null) _unknown.Set(keyId, true, entry);
        else _known.Set(keyId, key, entry);
    }

    /// <summary>Drops what this instance knows about a key (after issuing or revoking it); other instances wait for the lifetime.</summary>
    public void Forget(string keyId)
    {
        _known.Remove(keyId);
        _unknown.Remove(keyId);
    }

    public (long Known, long Unknown) Count => (_known.Count, _unknown.Count);

    public void Dispose()
    {
        _known.Dispose();
        _unknown.Dispose();
    }
}
