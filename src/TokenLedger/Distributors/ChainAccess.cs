using System.Security.Claims;
using Marten;
using TokenLedger.Access;

namespace TokenLedger.Distributors;

/// <summary>
/// Who may read a distributor's chain reports: operator and finance keys, the distributor's own key, and the key of any
/// distributor above it in its chain (in any version), which sells to it. Everyone else is told it does not exist.
/// </summary>
public static class ChainAccess
{
    public static async Task<bool> MayReadAsync(ClaimsPrincipal user, string distributorId, IQuerySession session, CancellationToken ct)
    {
        if (user.MayActForDistributor(distributorId)) return true;
        if (!user.IsInRole(Roles.Distributor) || user.FindFirstValue(LedgerClaims.DistributorId) is not { } own) return false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([distributorId]);
        while (queue.TryDequeue(out var id) && seen.Count < 64)
        {
            var distributor = await session.LoadAsync<Distributor>(DistributorStreams.For(id), ct);
            foreach (var parent in distributor?.Upstream?.Select(u => u.ParentDistributorId).OfType<string>() ?? [])
            {
                if (parent == own) return true;
                if (seen.Add(parent)) queue.Enqueue(parent);
            }
        }
        return false;
    }
}
