using Marten;
using NodaTime;

namespace TokenLedger.Compat.MeterMappings;

/// <summary>
/// The mappings in force: every published mapping's latest version over the built-in defaults. Read once per
/// <see cref="Lifetime"/> (an ingest request of 100 events must not cost a query); a PUT on this instance refreshes it at
/// once, other instances within <see cref="Lifetime"/>.
/// </summary>
public sealed class MeterMappingCatalog(IDocumentStore store, IClock clock)
{
    public static readonly Duration Lifetime = Duration.FromSeconds(2);

    private sealed record Loaded(IReadOnlyDictionary<string, MeterMappingContent> Mappings, Instant At);

    private volatile Loaded? _loaded;

    public async Task<IReadOnlyDictionary<string, MeterMappingContent>> CurrentAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (_loaded is { } loaded && now - loaded.At < Lifetime) return loaded.Mappings;

        await using var session = store.QuerySession();
        var published = await session.Query<MeterMapping>().ToListAsync(ct);
        var mappings = new Dictionary<string, MeterMappingContent>(DefaultMeterMappings.All, StringComparer.Ordinal);
        foreach (var mapping in published) mappings[mapping.EventType] = mapping.Latest.Mapping;
        _loaded = new Loaded(mappings, now);
        return mappings;
    }

    public void Invalidate() => _loaded = null;
}
