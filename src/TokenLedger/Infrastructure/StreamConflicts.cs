using Npgsql;

namespace TokenLedger.Infrastructure;

/// <summary>An append that lost a race: another writer took the stream version, or the same idempotency key was inserted first.</summary>
public static class StreamConflicts
{
    public static bool Is(Exception e) =>
        e is JasperFx.Events.EventStreamUnexpectedMaxEventIdException or JasperFx.ConcurrencyException
            or Marten.Exceptions.ExistingStreamIdCollisionException
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// Runs <paramref name="attempt"/> (which reads, decides and appends in a session of its own) again after a short random
    /// pause whenever it lost a race, up to <paramref name="attempts"/> times; the last conflict reaches the caller.
    /// </summary>
    public static async Task<T> RetryAsync<T>(int attempts, Func<Task<T>> attempt, CancellationToken ct)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (tries < attempts && Is(e))
            {
                await Task.Delay(Random.Shared.Next(5, 20 * tries), ct);
            }
        }
    }
}
