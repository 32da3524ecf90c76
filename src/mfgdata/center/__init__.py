"""The regional Manufacturing AI Center (지역특화 제조AI센터): companies, surveys, KPIs."""
