using NodaTime;
using NodaTime.Text;

namespace TokenLedger.Pricing;

/// <summary>
/// All versions of one price book. The version in force at an instant is the one with the latest
/// <see cref="PriceBookVersion.EffectiveFrom"/> at or before it (several with the same EffectiveFrom: the highest
/// <see cref="PriceBookVersion.Version"/>), so an event keeps the price that was in force when it occurred, however
/// late it is rated. Immutable; <see cref="With"/> returns a new history.
/// </summary>
public sealed class PriceBookHistory
{
    private readonly PriceBookVersion[] _versions;

    /// <summary>A history of at least one version; the price book id is the versions' (they must all share it).</summary>
    public PriceBookHistory(IEnumerable<PriceBookVersion> versions)
        : this(FirstId(versions), versions)
    {
    }

    public PriceBookHistory(string priceBookId, IEnumerable<PriceBookVersion> versions)
    {
        ArgumentException.ThrowIfNullOrEmpty(priceBookId);
        ArgumentNullException.ThrowIfNull(versions);
        PriceBookId = priceBookId;
        _versions = [.. versions];
        foreach (var version in _versions)
        {
            ArgumentNullException.ThrowIfNull(version, nameof(versions));
            if (version.PriceBookId != priceBookId)
                throw new ArgumentException(
                    $"version {version.Version} belongs to price book '{version.PriceBookId}', not '{priceBookId}'", nameof(versions));
        }
        var duplicate = _versions.GroupBy(v => v.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"price book '{priceBookId}' has version {duplicate.Key} more than once", nameof(versions));
        Array.Sort(_versions, static (a, b) =>
            a.EffectiveFrom != b.EffectiveFrom ? a.EffectiveFrom.CompareTo(b.EffectiveFrom) : a.Version.CompareTo(b.Version));
    }

    public string PriceBookId { get; }

    private static string FirstId(IEnumerable<PriceBookVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return versions.FirstOrDefault()?.PriceBookId
               ?? throw new ArgumentException("a price book history needs at least one version, or the price book id", nameof(versions));
    }

    /// <summary>The versions in the order they take effect: by EffectiveFrom, then by Version.</summary>
    public IReadOnlyList<PriceBookVersion> Versions => _versions;

    /// <summary>The highest version number so far, 0 if there is none (the next version is this plus one).</summary>
    public int LatestVersionNumber => _versions.Length == 0 ? 0 : _versions.Max(v => v.Version);

    /// <summary>The version in force at <paramref name="occurredAt"/>, or null if none had taken effect yet.</summary>
    public PriceBookVersion? VersionAt(Instant occurredAt)
    {
        // The last version (in effect order) whose EffectiveFrom is at or before occurredAt.
        int lo = 0, hi = _versions.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_versions[mid].EffectiveFrom <= occurredAt)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : _versions[found];
    }

    /// <summary>Rates at the version in force at <paramref name="occurredAt"/>; <see cref="Unrated"/> if there is none.</summary>
    public RatingOutcome Rate(string model, TokenCounts tokens, Instant occurredAt) => VersionAt(occurredAt) switch
    {
        null => new Unrated($"price book '{PriceBookId}' has no version in force at {InstantPattern.ExtendedIso.Format(occurredAt)}"),
        var version => Rating.Rate(version, model, tokens, occurredAt),
    };

    /// <summary>This history plus <paramref name="version"/> (whose number must be new).</summary>
    public PriceBookHistory With(PriceBookVersion version) => new(PriceBookId, _versions.Append(version));
}
