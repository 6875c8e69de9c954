"""Surviving mutants that are not bugs: each cannot change what the program does, and why.

A survivor listed here counts as killed in the scores and does not fail the CI sample. Add one
only with its reason; a survivor that *can* change behaviour needs a test instead.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {
    "uid2_desk.journal.masking.x_hash_dii_text__mutmut_2": (
        "always hashing as an email: a phone number never normalises as an email, so it falls "
        "back to the hash of the stripped text, which is what a valid E.164 number normalises "
        "to as a phone (and what an invalid one falls back to as well)"
    ),
    "uid2_desk.operator.core.x_enveloped_route__mutmut_49": (
        "methods=['post']: Starlette's Route upper-cases the methods it is given"
    ),
    "uid2_desk.operator.http.wire.x_bearer_token__mutmut_4": (
        "len(text) <= 7: after strip() a 7-character text cannot end with the space that "
        "'bearer ' needs, so it is refused by the prefix test either way"
    ),
    "uid2_desk.protocol.explain.x__message__mutmut_18": (
        "decoding the body even with no HTTP status: no status means no reply was read, so the "
        "body is empty and decodes to the same empty message"
    ),
    "uid2_desk.protocol.explain.x_explain__mutmut_15": (
        "'XXXX' for a missing UID2 status: the rules compare the status only with named "
        "statuses (optout, expired_token, invalid_token), which '' and 'XXXX' both are not"
    ),
    "uid2_desk.protocol.tokens_header.x_read_identity_byte__mutmut_11": (
        "value & 0x11 instead of & 0x10, then >> 4: the extra low bit is shifted out"
    ),
    "uid2_desk.protocol.tokens_refresh.x_wrap_refresh_token__mutmut_11": (
        "ensure_ascii=True dropped: it is json.dumps's default"
    ),
    "uid2_desk.protocol.normalize.x_normalize_email__mutmut_5": (
        "None instead of False for a flag that is only ever tested for truth"
    ),
    "uid2_desk.protocol.normalize.x_normalize_email__mutmut_7": (
        "None instead of False for a flag that is only ever tested for truth"
    ),
    "uid2_desk.protocol.normalize.x_normalize_email__mutmut_9": (
        "None instead of False for a flag that is only ever tested for truth"
    ),
    "uid2_desk.protocol.normalize.x__utf8__mutmut_3": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.normalize.x_hash_identifier__mutmut_10": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.normalize.x_normalize_hash__mutmut_8": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.normalize.x_normalize_hash__mutmut_23": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.normalize.x_normalize_hash__mutmut_9": (
        "'or' instead of 'and' before decoding: only 44 characters of base64 can decode to 32 "
        "bytes, and non-ASCII text fails to decode, so no other text is accepted"
    ),
    "uid2_desk.protocol.normalize.x_normalize_hash__mutmut_15": (
        "lenient base64: it drops foreign characters, and 44 characters with one dropped can no "
        "longer hold 32 bytes with their padding, so the same texts are refused"
    ),
    "uid2_desk.protocol.normalize.x_normalize_hash__mutmut_16": (
        "lenient base64: it drops foreign characters, and 44 characters with one dropped can no "
        "longer hold 32 bytes with their padding, so the same texts are refused"
    ),
    "uid2_desk.protocol.normalize.x_normalize_hash__mutmut_18": (
        "b'XXXX' for an undecodable hash: 4 bytes are refused as 32 bytes are not, like b''"
    ),
    "uid2_desk.protocol.identity.xǁIdentityǁto_body__mutmut_19": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.identity.x__response_key__mutmut_11": (
        "decoding non-ASCII text too: b64decode raises ValueError on it, which falls back to b'' "
        "as the test skipped"
    ),
    "uid2_desk.protocol.identity.x__response_key__mutmut_17": (
        "b'XXXX' instead of b'' for an undecodable key: 4 bytes are refused as not 32, like 0"
    ),
    "uid2_desk.protocol.identity.x__response_key__mutmut_19": (
        "b'XXXX' instead of b'' for an undecodable key: 4 bytes are refused as not 32, like 0"
    ),
    "uid2_desk.protocol.envelope.xǁOpenedEnvelopeǁpayload_json__mutmut_4": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.envelope.x_decode_base64_body__mutmut_9": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.envelope.x_decode_base64_java__mutmut_6": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.envelope.x_to_base64__mutmut_4": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.envelope.x_decode_base64_body__mutmut_2": (
        "bytes given to b64decode undecoded: bytes.strip() strips the same ASCII whitespace, "
        "and a byte that is not ASCII fails the strict alphabet, as it failed to decode"
    ),
    "uid2_desk.protocol.envelope.x_decode_base64_body__mutmut_7": (
        "errors='strict' dropped: strict is the default"
    ),
    "uid2_desk.protocol.envelope.x_decode_base64_java__mutmut_27": (
        "lenient b64decode: the regular expression and the padding rule before it let only "
        "well-formed base64 through, which both modes decode alike"
    ),
    "uid2_desk.protocol.envelope.x_decode_base64_java__mutmut_34": (
        "lenient b64decode: the regular expression and the padding rule before it let only "
        "well-formed base64 through, which both modes decode alike"
    ),
    "uid2_desk.protocol.envelope.x_timestamp_in_window__mutmut_6": (
        "the sign branch for minutes: int() already truncates towards zero and only "
        "abs(minutes) is used, so both branches and either sign give the same answer"
    ),
    "uid2_desk.protocol.envelope.x_timestamp_in_window__mutmut_7": (
        "the sign branch for minutes: int() already truncates towards zero and only "
        "abs(minutes) is used, so both branches and either sign give the same answer"
    ),
    "uid2_desk.protocol.envelope.x_timestamp_in_window__mutmut_11": (
        "the sign branch for minutes: int() already truncates towards zero and only "
        "abs(minutes) is used, so both branches and either sign give the same answer"
    ),
    "uid2_desk.protocol.envelope.x_timestamp_in_window__mutmut_12": (
        "the sign branch for minutes: int() already truncates towards zero and only "
        "abs(minutes) is used, so both branches and either sign give the same answer"
    ),
    "uid2_desk.protocol.envelope.x_timestamp_in_window__mutmut_13": (
        "the sign branch for minutes: int() already truncates towards zero and only "
        "abs(minutes) is used, so both branches and either sign give the same answer"
    ),
    "uid2_desk.protocol.envelope.x_timestamp_in_window__mutmut_16": (
        "the sign branch for minutes: int() already truncates towards zero and only "
        "abs(minutes) is used, so both branches and either sign give the same answer"
    ),
    "uid2_desk.journal.redaction.x__redact_body__mutmut_4": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.journal.redaction.x__redact_body__mutmut_13": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.journal.redaction.x__redact_body__mutmut_20": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.journal.redaction.x_redact_json_text__mutmut_13": (
        "ensure_ascii=None instead of False: json.dumps only tests it for truth"
    ),
    "uid2_desk.journal.redaction.x_redact_exchange__mutmut_39": (
        "is_refresh_request=None instead of False: only tested for truth"
    ),
    "uid2_desk.protocol.tokens_refresh.x_decrypt_refresh_token__mutmut_32": (
        "int.from_bytes without 'big': byteorder defaults to 'big' since Python 3.11, and the "
        "project requires 3.11 or later"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_30": (
        "int.from_bytes without 'big': byteorder defaults to 'big' since Python 3.11, and the "
        "project requires 3.11 or later"
    ),
    "uid2_desk.protocol.tokens_refresh.x_decrypt_refresh_token__mutmut_59": (
        "another label for the payload Reader: it only appears in the 'ends early' error, and "
        "the payload is checked to be exactly 90 bytes before the Reader reads its fixed 58 "
        "bytes and the rest, so it never runs short"
    ),
    "uid2_desk.protocol.tokens_refresh.x_decrypt_refresh_token__mutmut_62": (
        "another label for the payload Reader: it only appears in the 'ends early' error, and "
        "the payload is checked to be exactly 90 bytes before the Reader reads its fixed 58 "
        "bytes and the rest, so it never runs short"
    ),
    "uid2_desk.protocol.tokens_refresh.x_decrypt_refresh_token__mutmut_63": (
        "another label for the payload Reader: it only appears in the 'ends early' error, and "
        "the payload is checked to be exactly 90 bytes before the Reader reads its fixed 58 "
        "bytes and the rest, so it never runs short"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_12": (
        "the wrapper's too-few-bytes check: the text is first checked to be exactly 388 "
        "characters and valid padded standard base64, which always decodes to 289 to 291 "
        "bytes, far above the 33-byte limit, so this branch and its message can never run"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_13": (
        "the wrapper's too-few-bytes check: the text is first checked to be exactly 388 "
        "characters and valid padded standard base64, which always decodes to 289 to 291 "
        "bytes, far above the 33-byte limit, so this branch and its message can never run"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_14": (
        "the wrapper's too-few-bytes check: the text is first checked to be exactly 388 "
        "characters and valid padded standard base64, which always decodes to 289 to 291 "
        "bytes, far above the 33-byte limit, so this branch and its message can never run"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_15": (
        "the wrapper's too-few-bytes check: the text is first checked to be exactly 388 "
        "characters and valid padded standard base64, which always decodes to 289 to 291 "
        "bytes, far above the 33-byte limit, so this branch and its message can never run"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_16": (
        "the wrapper's too-few-bytes check: the text is first checked to be exactly 388 "
        "characters and valid padded standard base64, which always decodes to 289 to 291 "
        "bytes, far above the 33-byte limit, so this branch and its message can never run"
    ),
    "uid2_desk.protocol.tokens_refresh.x_read_wrapper_header__mutmut_17": (
        "the wrapper's too-few-bytes check: the text is first checked to be exactly 388 "
        "characters and valid padded standard base64, which always decodes to 289 to 291 "
        "bytes, far above the 33-byte limit, so this branch and its message can never run"
    ),
    "uid2_desk.protocol.tokens_refresh.x_unwrap_refresh_token__mutmut_21": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.tokens_refresh.x_wrap_refresh_token__mutmut_17": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.tokens_refresh.x_wrap_refresh_token__mutmut_39": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.publisher.checks.run.x__refresh_timing__mutmut_7": (
        "break instead of continue when a refresh's identity is missing: never reached, since a "
        "refresh joins a chain only through build_chains' by_token, which maps a token to the "
        "chain in the same step that appends the identity carrying it to chain.issued"
    ),
    "uid2_desk.publisher.checks.run.x_run_checks__mutmut_10": (
        "_regenerate(chains, None): _regenerate never reads its entries parameter"
    ),
    "uid2_desk.publisher.checks.run.x__skew__mutmut_15": (
        "lstrip('XX-XX') strips the characters X and -: the skew fact is written as str(int) by "
        "the operator and the proxy (digits after an optional '-'), never with an X, so the "
        "stripped text is the same"
    ),
    "uid2_desk.publisher.checks.run.x__skew__mutmut_48": (
        "worst[0] >= 0 instead of > 0: a worst skew is past 30 000 ms in size, so never 0"
    ),
    "uid2_desk.publisher.checks.run.x__skew__mutmut_49": (
        "worst[0] > 1 instead of > 0: a worst skew is past 30 000 ms in size, so never 0 or 1"
    ),
    "uid2_desk.protocol.tokens_wire.x_decode_token_text__mutmut_12": (
        "'XX+/-_=XX' only adds 'X' to the allowed extras, and 'X' is an ASCII "
        "letter that isalnum() already allows, so the same first bad character is named"
    ),
    "uid2_desk.protocol.tokens_wire.x_decode_token_text__mutmut_49": (
        "validate=False only changes how characters outside the alphabet are handled; "
        "the regex and the mixed-alphabet check let only A-Za-z0-9+/ through after translate, and "
        "the padding is computed exactly, so no such character reaches b64decode"
    ),
    "uid2_desk.protocol.tokens_wire.x_decode_token_text__mutmut_57": (
        "validate=False only changes how characters outside the alphabet are handled; "
        "the regex and the mixed-alphabet check let only A-Za-z0-9+/ through after translate, and "
        "the padding is computed exactly, so no such character reaches b64decode"
    ),
    "uid2_desk.protocol.tokens_wire.x_decode_token_text__mutmut_58": (
        "the message of a branch marked pragma no cover: the length and alphabet checks "
        "before it leave b64decode nothing to raise on, so the line never runs"
    ),
    "uid2_desk.protocol.tokens_wire.x_encode_std__mutmut_4": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.tokens_wire.x_encode_url__mutmut_6": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.tokens_wire.x_i32__mutmut_5": (
        "dropping byteorder='big': since Python 3.11 (the project's minimum) to_bytes's "
        "byteorder defaults to 'big', so the same bytes are packed or read"
    ),
    "uid2_desk.protocol.tokens_wire.x_i64__mutmut_5": (
        "dropping byteorder='big': since Python 3.11 (the project's minimum) to_bytes's "
        "byteorder defaults to 'big', so the same bytes are packed or read"
    ),
    "uid2_desk.protocol.tokens_wire.xǁReaderǁi32__mutmut_5": (
        "dropping byteorder='big': since Python 3.11 (the project's minimum) int.from_bytes's "
        "byteorder defaults to 'big', so the same bytes are packed or read"
    ),
    "uid2_desk.protocol.tokens_wire.xǁReaderǁi64__mutmut_5": (
        "dropping byteorder='big': since Python 3.11 (the project's minimum) int.from_bytes's "
        "byteorder defaults to 'big', so the same bytes are packed or read"
    ),
    "uid2_desk.operator.http.wire.x_bearer_token__mutmut_5": (
        "len(text) < 8: after strip() a 7-character text cannot end with the space that "
        "'bearer ' needs, so it is refused by the prefix test either way"
    ),
    "uid2_desk.operator.http.wire.x_encrypted_reply__mutmut_34": (
        "a header name in capitals: Starlette's Response lower-cases header names "
        "when it builds the raw headers, so the same content-type header is sent"
    ),
    "uid2_desk.operator.http.wire.x_encrypted_reply__mutmut_47": (
        "a header name in capitals: Starlette's Response lower-cases header names "
        "when it builds the raw headers, so the same content-type header is sent"
    ),
    "uid2_desk.operator.http.wire.x_plain_json__mutmut_17": (
        "a header name in capitals: Starlette's Response lower-cases header names "
        "when it builds the raw headers, so the same content-type header is sent"
    ),
    "uid2_desk.operator.http.wire.x_encrypted_reply__mutmut_44": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.operator.http.wire.x_internal_server_error__mutmut_9": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.operator.http.wire.x_json_bytes__mutmut_12": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.operator.http.wire.x_json_bytes__mutmut_4": (
        "ensure_ascii=None instead of False: json.dumps only tests it for truth"
    ),
    "uid2_desk.protocol.explain.x__message__mutmut_13": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.explain.x__message__mutmut_24": (
        "a codec name in capitals: Python looks codecs up case-insensitively"
    ),
    "uid2_desk.protocol.explain.x__message__mutmut_27": (
        "'XXXX' as the message of an exchange with no HTTP status: the rules read the message "
        "only at HTTP 400, 403 or 5xx, or for the texts 'exactly one of' and 'Invalid "
        "Identifier', which '' and 'XXXX' both lack"
    ),
    "uid2_desk.publisher.checks.chains.x_build_chains__mutmut_27": (
        "'XXXX' instead of '' as the token a refresh with no request plaintext sent: it is only "
        "looked up in by_token, whose keys are refresh tokens the operator handed out (base64 "
        "of an encrypted token, never '' nor 'XXXX'), so neither is found and the refresh is "
        "skipped either way"
    ),
    "uid2_desk.protocol.explain_rules.x__unauthorized__mutmut_33": (
        "split(':') with no limit: the auth fact is written only by the operator "
        "(operator/core.py) as 'missing_role:' and role names (Role: GENERATOR, MAPPER...) "
        "joined by '/': none has a ':', so the text has exactly one colon and every split gives"
        " the same second part"
    ),
    "uid2_desk.protocol.explain_rules.x__unauthorized__mutmut_34": (
        "rsplit instead of split: the auth fact is written only by the operator "
        "(operator/core.py) as 'missing_role:' and role names (Role: GENERATOR, MAPPER...) "
        "joined by '/': none has a ':', so the text has exactly one colon and every split gives"
        " the same second part"
    ),
    "uid2_desk.protocol.explain_rules.x__unauthorized__mutmut_36": (
        "split(':', 2): the auth fact is written only by the operator (operator/core.py) as "
        "'missing_role:' and role names (Role: GENERATOR, MAPPER...) joined by '/': none has a "
        "':', so the text has exactly one colon and every split gives the same second part"
    ),
    "uid2_desk.protocol.explain_rules.x__unauthorized__mutmut_8": (
        "'XXXX' for a missing auth fact: the rule compares the fact only with 'no_key' and the "
        "prefix 'missing_role:', which '' and 'XXXX' both are not, so both fall to the same "
        "answer (cstg_keypair or unknown_api_key by the path)"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_3": (
        "the name of the v2 token's outer reader: decrypt_v2 runs only after check_length has "
        "ensured at least 85 bytes, so reading 1 + 4 + 16 bytes and the rest never runs short "
        "and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_6": (
        "the name of the v2 token's outer reader: decrypt_v2 runs only after check_length has "
        "ensured at least 85 bytes, so reading 1 + 4 + 16 bytes and the rest never runs short "
        "and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_7": (
        "the name of the v2 token's outer reader: decrypt_v2 runs only after check_length has "
        "ensured at least 85 bytes, so reading 1 + 4 + 16 bytes and the rest never runs short "
        "and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_22": (
        "the name of the v2 master payload's reader: check_length leaves at least 64 bytes of "
        "CBC data, at least 48 once unpadded, and only 8 + 4 + 16 bytes and the rest are read, "
        "so it never runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_31": (
        "the name of the v2 master payload's reader: check_length leaves at least 64 bytes of "
        "CBC data, at least 48 once unpadded, and only 8 + 4 + 16 bytes and the rest are read, "
        "so it never runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_32": (
        "the name of the v2 master payload's reader: check_length leaves at least 64 bytes of "
        "CBC data, at least 48 once unpadded, and only 8 + 4 + 16 bytes and the rest are read, "
        "so it never runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_109": (
        "dropping an argument of the v2 OperatorIdentity that equals the dataclass's default "
        "(operator_type=1, version=0, key_id=0) builds the same value"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_110": (
        "dropping an argument of the v2 OperatorIdentity that equals the dataclass's default "
        "(operator_type=1, version=0, key_id=0) builds the same value"
    ),
    "uid2_desk.protocol.tokens_v2.x_decrypt_v2__mutmut_111": (
        "dropping an argument of the v2 OperatorIdentity that equals the dataclass's default "
        "(operator_type=1, version=0, key_id=0) builds the same value"
    ),
    "uid2_desk.operator.issuer.xǁTokenIssuerǁ_issue__mutmut_23": (
        "the issuer's token contents are handed only to the encoders, and "
        "encrypt_advertising_token and encrypt_refresh_token write the id of the key they are "
        "given, not this field of the contents, so the token bytes are the same"
    ),
    "uid2_desk.operator.issuer.xǁTokenIssuerǁ_issue__mutmut_24": (
        "the issuer's token contents are handed only to the encoders, and "
        "encrypt_advertising_token and encrypt_refresh_token write the id of the key they are "
        "given, not this field of the contents, so the token bytes are the same"
    ),
    "uid2_desk.operator.issuer.xǁTokenIssuerǁ_issue__mutmut_50": (
        "the issuer's token contents are handed only to the encoders, and "
        "encrypt_advertising_token and encrypt_refresh_token write the id of the key they are "
        "given, not this field of the contents, so the token bytes are the same"
    ),
    "uid2_desk.operator.core.x_authenticate__mutmut_5": (
        "a header name in capitals: Starlette's Headers.get lower-cases the name it is given "
        "before looking it up, so the same header is read"
    ),
    "uid2_desk.operator.core.x_enveloped_route__mutmut_22": (
        "a header name in capitals: Starlette's Headers.get lower-cases the name it is given "
        "before looking it up, so the same header is read"
    ),
    "uid2_desk.operator.core.x_authenticate__mutmut_8": (
        "looking up a missing key too: bearer_token returns None or a non-empty key, and "
        "ClientRegistry.by_api_key(None) is a dict lookup that finds no client, so client is "
        "None either way"
    ),
    "uid2_desk.operator.core.x_token_input__mutmut_13": (
        "TokenInput.provided left empty: no code reads it (the logout refusal shows the "
        "InputVal's identity hash, java_object_text, not the text sent)"
    ),
    "uid2_desk.operator.core.x_token_input__mutmut_21": (
        "TokenInput.provided left empty: no code reads it (the logout refusal shows the "
        "InputVal's identity hash, java_object_text, not the text sent)"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_33": (
        "master_key_id_of(raw, None): only V2 is tested for there (start 1 or 2), and this line"
        " runs for v3 and v4 only, which start at 2 like None does"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_47": (
        "the name of the v3/v4 master payload's reader: check_length leaves at least 131 - 6 - "
        "28 = 97 bytes of GCM plain text, and only 33 bytes and the rest are read, so it never "
        "runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_55": (
        "the name of the v3/v4 master payload's reader: check_length leaves at least 131 - 6 - "
        "28 = 97 bytes of GCM plain text, and only 33 bytes and the rest are read, so it never "
        "runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_56": (
        "the name of the v3/v4 master payload's reader: check_length leaves at least 131 - 6 - "
        "28 = 97 bytes of GCM plain text, and only 33 bytes and the rest are read, so it never "
        "runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_77": (
        "the name of the v3/v4 site payload's reader: at least 131 bytes leave at least 64 "
        "bytes after the master fields, 36 once GCM's IV and tag are off, and only 36 bytes and"
        " the rest are read, so it never runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_84": (
        "the name of the v3/v4 site payload's reader: at least 131 bytes leave at least 64 "
        "bytes after the master fields, 36 once GCM's IV and tag are off, and only 36 bytes and"
        " the rest are read, so it never runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_advertising.x_decrypt_advertising_token__mutmut_85": (
        "the name of the v3/v4 site payload's reader: at least 131 bytes leave at least 64 "
        "bytes after the master fields, 36 once GCM's IV and tag are off, and only 36 bytes and"
        " the rest are read, so it never runs short and the name never reaches a message"
    ),
    "uid2_desk.protocol.tokens_header.x_master_key_id_of__mutmut_11": (
        "int.from_bytes without a byte order: its default is 'big' since Python 3.11, and the "
        "project requires Python 3.11 or later"
    ),
    "uid2_desk.protocol.explain_rules.x__seconds__mutmut_8": (
        "ms >= 0 instead of ms > 0: _seconds never sees a skew of 0, since _measured answers "
        "'0' first, and the operator and the proxy write the skew with str(int(...)) "
        "(operator/capture/notes.py, proxy/record.py), so a zero is always '0'"
    ),
    "uid2_desk.journal.masking.x__container_end__mutmut_13": (
        "in_string = None instead of False when a string closes: the flag is only tested for "
        "truth, and None is false as False is"
    ),
    "uid2_desk.journal.masking.x_is_secret_name__mutmut_1": (
        "len(name) < 64 instead of <= 64: a name of exactly 64 characters goes to the uncached "
        "search instead of the cached one; both run the same regular expression on the same "
        "flattened name, so the answer is the same"
    ),
    "uid2_desk.journal.masking.x_may_name_a_secret__mutmut_2": (
        "the 'response_key' shortcut spelled otherwise: the text then goes to the general test, "
        "whose parts include 'responsekey' (the flattened name), so a text holding "
        "response_key still answers yes; only the shortcut's speed is lost"
    ),
    "uid2_desk.journal.masking.x_may_name_a_secret__mutmut_3": (
        "the 'response_key' shortcut in capitals: as mutmut_2, the general test over the "
        "lower-cased, flattened text answers the same"
    ),
    "uid2_desk.protocol.capture_masking.x__is_secret__mutmut_1": (
        "len(name) < 64 instead of <= 64: a name of exactly 64 characters is judged uncached "
        "instead of cached; both call the same judgement on the same name, so the answer is "
        "the same"
    ),
    "uid2_desk.proxy.head.x__parse__mutmut_19": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.x_pairs__mutmut_5": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.x__tokens__mutmut_5": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.xǁHeadǁvalues__mutmut_6": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.xǁHeadǁvalues__mutmut_7": (
        "stripping 'X' besides spaces and tabs from a notable value: notable values are"
        " taken from the lower-cased field lines, so they hold no 'X'"
    ),
    "uid2_desk.proxy.head.x_encode_head__mutmut_5": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.x_field_lines__mutmut_5": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.x__refuse_malformed__mutmut_4": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
    "uid2_desk.proxy.head.x__refuse_malformed__mutmut_12": (
        "'LATIN-1' for 'latin-1': codec names are looked up case-insensitively"
    ),
}
