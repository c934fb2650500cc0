from devicecloud.alias import Aliaser

A = Aliaser("BTTE1250001", "IOCL_XTRA_O2_ADMIN")


def test_frames_and_nested_shapes_are_aliased():
    body = {"deviceId": "BTTE1250001", "period": "day",
            "data": [{"d": "BTTE1250002", "deviceId": "BTTE1250002", "d1": 46.43, "imei": 0.0,
                      "note": "from BTTE1250001 via gw"}]}
    out = A.to_alias(body)
    assert out["deviceId"] == "IOCL_XTRA_O2_ADMIN"
    frame = out["data"][0]
    # id fields get the alias even when the cloud reports a sibling id
    assert frame["d"] == frame["deviceId"] == "IOCL_XTRA_O2_ADMIN"
    assert frame["note"] == "from IOCL_XTRA_O2_ADMIN via gw"
    assert frame["d1"] == 46.43 and frame["imei"] == 0.0
    assert body["deviceId"] == "BTTE1250001"  # input untouched


def test_to_real_is_the_inverse_for_strings():
    assert A.to_real({"deviceId": "IOCL_XTRA_O2_ADMIN"}) == {"deviceId": "BTTE1250001"}
    assert A.to_real("x") == "x"


def test_csv_rows_keep_athena_quoting_and_alias_id_columns():
    lines = ['"d","ts","deviceId","d1","path"\n',
             '"BTTE1250001","1764949464","BTTE1250001","3.5","s3/BTTE1250001/x"\n',
             '"BTTE1250002","1764949474","","4,5","plain"\n']
    out = list(A.csv_lines(lines))
    assert out[0] == '"d","ts","deviceId","d1","path"\n'
    assert out[1] == '"IOCL_XTRA_O2_ADMIN","1764949464","IOCL_XTRA_O2_ADMIN","3.5","s3/IOCL_XTRA_O2_ADMIN/x"\n'
    assert out[2] == '"IOCL_XTRA_O2_ADMIN","1764949474","","4,5","plain"\n'
    assert "BTTE" not in "".join(out)


def test_empty_csv_gives_nothing():
    assert list(A.csv_lines([])) == []


def test_sibling_ids_of_the_same_family_are_hidden_in_free_text_too():
    out = A.to_alias({"msg": "relayed by BTTE1250002 and BTTE99", "list": ["BTTE1250003"]})
    assert out == {"msg": "relayed by IOCL_XTRA_O2_ADMIN and IOCL_XTRA_O2_ADMIN",
                   "list": ["IOCL_XTRA_O2_ADMIN"]}
    lines = ['"d","note"\n', '"BTTE1250002","seen BTTE1250007"\n']
    assert list(A.csv_lines(lines))[1] == '"IOCL_XTRA_O2_ADMIN","seen IOCL_XTRA_O2_ADMIN"\n'
    # text that merely starts like the prefix is left alone
    assert A.to_alias("BTTEXT") == "BTTEXT"
