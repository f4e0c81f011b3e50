using NodaTime;
using Shouldly;
using TokenLedger.Tenants;
using Xunit;

namespace TokenLedger.Tests.Tenants;

/// <summary>The <see cref="Tenant"/> snapshot, built from its stream's events.</summary>
public class building_the_tenant
{
    private static readonly Instant RegisteredAt = Instant.FromUtc(2026, 6, 1, 2, 0);

    [Fact]
    public void registering_creates_the_snapshot_keyed_by_its_stream()
    {
        var tenant = Tenant.Create(new TenantRegistered("acme", "Acme Ltd", "Asia/Shanghai", "CNY", RegisteredAt));

        tenant.ShouldBe(new Tenant("tenant:acme", "acme", "Acme Ltd", "Asia/Shanghai", "CNY", RegisteredAt));
        tenant.Id.ShouldBe(TenantStreams.For("acme"));
    }

    [Fact]
    public void a_profile_change_replaces_name_zone_and_currency_but_keeps_identity_and_registration_time()
    {
        var tenant = Tenant.Create(new TenantRegistered("acme", "Acme Ltd", "Asia/Shanghai", "CNY", RegisteredAt));

        var changed = tenant.Apply(new TenantProfileChanged("acme", "Acme Group", "Europe/Berlin", "EUR", RegisteredAt + Duration.FromDays(3)));

        changed.ShouldBe(new Tenant("tenant:acme", "acme", "Acme Group", "Europe/Berlin", "EUR", RegisteredAt));
    }

    [Fact]
    public void the_billing_zone_is_resolved_from_the_iana_database()
    {
        var tenant = new Tenant("tenant:acme", "acme", "Acme", "Asia/Shanghai", "CNY", RegisteredAt);

        tenant.Zone.Id.ShouldBe("Asia/Shanghai");
        tenant.Zone.GetUtcOffset(RegisteredAt).ShouldBe(Offset.FromHours(8));
    }

    [Fact]
    public void the_defaults_are_shanghai_and_yuan()
    {
        Tenant.DefaultTimeZone.ShouldBe("Asia/Shanghai");
        Tenant.DefaultCurrency.ShouldBe("CNY");
    }
}
