using Microsoft.Extensions.Options;
using NodaTime;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.Access.RevokingKeys;
using Xunit;

namespace TokenLedger.Tests.Access;

/// <summary>Revocation and expiry of a key's snapshot, the admin key's fingerprint, and the bounded auth cache.</summary>
public class key_lifecycle
{
    private static readonly Instant Issued = Instant.FromUtc(2026, 12, 1, 8, 0);
    private static readonly ApiKey Key = ApiKey.Create(
        new ApiKeyIssued("0123456789abcdef", Roles.Gateway, null, null, "hash", Issued, "admin:0123456789ab", Issued + Duration.FromDays(30)));

    [Fact]
    public void a_key_authenticates_until_its_expiry_and_not_at_it()
    {
        Key.IsUsableAt(Issued + Duration.FromDays(30) - Duration.FromSeconds(1)).ShouldBeTrue();
        Key.IsUsableAt(Issued + Duration.FromDays(30)).ShouldBeFalse();
    }

    [Fact]
    public void revoking_is_a_new_fact_and_revoking_again_decides_nothing()
    {
        var at = Issued + Duration.FromDays(2);
        var revoked = RevokeApiKey.Decide(new RevokeApiKey(Key.KeyId, "fedcba9876543210"), Key, at);
        revoked.ShouldBe(new ApiKeyRevoked(Key.KeyId, "fedcba9876543210", at));

        var after = Key.Apply(revoked!);
        after.IsRevoked.ShouldBeTrue();
        after.IsUsableAt(at).ShouldBeFalse();
        after.IssuedAt.ShouldBe(Issued);
        RevokeApiKey.Decide(new RevokeApiKey(Key.KeyId, "another"), after, at + Duration.FromDays(1)).ShouldBeNull();
    }

    [Fact]
    public void the_admin_key_is_named_by_its_own_fingerprint_not_by_a_word()
    {
        var id = ApiKeySecret.AdminKeyId("tl_admin_some_long_environment_key");
        id.ShouldBe("admin:" + ApiKeySecret.Hash("tl_admin_some_long_environment_key")[..12]);
        ApiKeySecret.AdminKeyId("tl_admin_another_environment_key").ShouldNotBe(id);
    }

    [Theory]
    [InlineData("tl_0123456789ABCDEF_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("tl_0123456789abcdeg_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("tl_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeZ")]
    public void a_key_id_or_secret_that_is_not_hex_has_no_key_id_and_costs_no_lookup(string key)
    {
        ApiKeySecret.KeyIdOf(key).ShouldBeNull();
    }

    [Fact]
    public void the_auth_cache_holds_no_more_unknown_ids_than_its_size_and_keeps_known_keys_apart()
    {
        using var cache = new ApiKeyCache(Options.Create(new AccessOptions { CachedKeys = 10, CachedUnknownKeys = 100 }));
        cache.Remember(Key.KeyId, Key);
        for (var i = 0; i < 10_000; i++) cache.Remember($"{i:x16}", null);

        cache.Count.Unknown.ShouldBeLessThanOrEqualTo(100);
        cache.TryGet(Key.KeyId, out var found).ShouldBeTrue();
        found.ShouldBe(Key);
        cache.TryGet("ffffffffffffffff", out _).ShouldBeFalse();
    }

    [Fact]
    public void an_unknown_key_id_is_remembered_as_unknown_so_it_is_not_looked_up_again()
    {
        using var cache = new ApiKeyCache(Options.Create(new AccessOptions()));
        cache.Remember("0000000000000001", null);

        cache.TryGet("0000000000000001", out var unknown).ShouldBeTrue();
        unknown.ShouldBeNull();
    }

    [Fact]
    public void forgetting_a_key_makes_the_next_request_look_it_up_again()
    {
        using var cache = new ApiKeyCache(Options.Create(new AccessOptions()));
        cache.Remember(Key.KeyId, Key);
        cache.Forget(Key.KeyId);
        cache.TryGet(Key.KeyId, out _).ShouldBeFalse();
    }
}
