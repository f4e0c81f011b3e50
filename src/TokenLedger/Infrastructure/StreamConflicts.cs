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
}
