def test_throwaway_server_accepts_connections(postgres):
    import psycopg2

    url = postgres.create_database("smoke")
    with psycopg2.connect(url) as con, con.cursor() as cur:
        cur.execute("SELECT current_database()")
        assert cur.fetchone() == ("smoke",)
