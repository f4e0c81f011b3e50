using System.Buffers.Binary;
using SkiaSharp;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>
/// Loads the invoice font so that Skia's PDF backend embeds only the glyphs a document uses.
/// </summary>
/// <remarks>
/// Skia does not subset fonts here, so a 5 MB CJK font would make every invoice about 2.3 MB. A font whose OS/2
/// <c>fsType</c> says "restricted licence embedding" (0x0002) is written as Type 3 outlines of the used glyphs only,
/// so the flag is set on the in-memory copy (the file is untouched; WenQuanYi's Apache-2.0 licence allows it).
/// </remarks>
internal static class EmbeddableFont
{
    private const ushort RestrictedLicenseEmbedding = 0x0002;

    public static SKTypeface Load(InvoiceFonts fonts)
    {
        if (!File.Exists(fonts.Path))
        {
            throw new FileNotFoundException(
                $"The invoice font '{fonts.Path}' does not exist. Install it with 'apt-get install {InvoiceFonts.DefaultPackage}' " +
                $"(or run ops/test, which installs it), or point {nameof(InvoiceFonts)}.{nameof(InvoiceFonts.Path)} at a CJK-capable .ttf/.ttc file.",
                fonts.Path);
        }

        var bytes = File.ReadAllBytes(fonts.Path);
        MarkOs2TablesRestricted(bytes);
        using var data = SKData.CreateCopy(bytes);
        return SKTypeface.FromData(data, fonts.FaceIndex)
               ?? throw new InvalidDataException($"'{fonts.Path}' (face {fonts.FaceIndex}) is not a font Skia can load.");
    }

    /// <summary>Sets fsType in every OS/2 table of a TrueType/OpenType file or collection (checksums are not re-computed; no reader checks them).</summary>
    internal static void MarkOs2TablesRestricted(Span<byte> font)
    {
        if (font.Length < 12) throw new InvalidDataException("The font file is too short to be a TrueType font.");
        if (Tag(font, 0) == "ttcf")
        {
            var count = BinaryPrimitives.ReadUInt32BigEndian(font[8..]);
            for (var i = 0; i < count; i++)
            {
                MarkFace(font, checked((int)BinaryPrimitives.ReadUInt32BigEndian(font[(12 + 4 * i)..])));
            }
        }
        else
        {
            MarkFace(font, 0);
        }
    }

    private static void MarkFace(Span<byte> font, int directory)
    {
        var tables = BinaryPrimitives.ReadUInt16BigEndian(font[(directory + 4)..]);
        for (var i = 0; i < tables; i++)
        {
            var record = directory + 12 + 16 * i;
            if (Tag(font, record) != "OS/2") continue;
            var table = checked((int)BinaryPrimitives.ReadUInt32BigEndian(font[(record + 8)..]));
            // OS/2: version u16, xAvgCharWidth i16, usWeightClass u16, usWidthClass u16, then fsType u16.
            BinaryPrimitives.WriteUInt16BigEndian(font[(table + 8)..], RestrictedLicenseEmbedding);
        }
    }

    private static string Tag(ReadOnlySpan<byte> font, int offset) => System.Text.Encoding.ASCII.GetString(font.Slice(offset, 4));
}
