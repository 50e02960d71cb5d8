// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The admissions committee of a cooperative
/// @notice A body elected by the members (every appointment is a passed proposal) that admits
/// or rejects applicants and recovers lost keys when the register's policy is Committee. It has
/// at most `seatCount` seats; each seat is (holder, term end) and its power ends by itself at the
/// term end (Loi 1947 art. 6: mandates of at most six years). A seat acts only while its holder
/// is an active member. Every admission and recovery it makes can be contested by the members
/// and annulled by vote within the register's contest window. The committee can never touch
/// sanctions, money or statutes: it has no other function.
interface ICoopCommittee {
    struct Seat {
        address holder;
        uint48 termEnd; // unix time; the seat's power ends at it
    }

    error CommitteeUnauthorized(address caller);
    error CommitteeZeroAddress();
    /// @notice `caller` holds no seat in force (never seated, vacated, or its term `termEnd` ended).
    error CommitteeSeatNotInForce(address caller, uint256 termEnd);
    error CommitteeHolderNotMember(address holder);
    error CommitteeInvalidSeat(uint256 seat, uint256 seatCount);
    error CommitteeInvalidTerm(uint256 termEnd, uint256 latestTermEnd);
    error CommitteeInvalidSeatCount(uint256 seatCount);
    error CommitteeInvalidMaxTerm(uint256 maxTerm);
    error CommitteeAlreadySeated(address holder, uint256 seat);
    error CommitteeLengthMismatch(uint256 accounts, uint256 hashes);

    event SeatFilled(uint256 indexed seat, address indexed holder, uint256 termEnd);
    event SeatVacated(uint256 indexed seat, address indexed holder);
    event SeatCountSet(uint256 oldCount, uint256 newCount);
    event MaxTermSet(uint256 oldMaxTerm, uint256 newMaxTerm);

    // ---------------------------------------------------------------- governance (by vote)
    /// @notice Seat `holder` (an active member) in `seat` until `termEnd`, at most `maxTerm()`
    /// from now; whoever held the seat before loses it.
    function appoint(uint256 seatNumber, address holder, uint48 termEnd) external;
    function vacate(uint256 seatNumber) external;
    function setSeatCount(uint8 seatCount_) external;
    function setMaxTerm(uint32 maxTerm_) external;

    // ---------------------------------------------------------------- seat holders
    function admit(address[] calldata accounts, bytes32[] calldata attestations) external;
    function reject(address[] calldata accounts, bytes32[] calldata reasonHashes) external;
    function recover(address lost, address newAccount) external;

    // ---------------------------------------------------------------- views
    function membership() external view returns (address);
    function seatCount() external view returns (uint256);
    function maxTerm() external view returns (uint256);
    function seat(uint256 seatNumber) external view returns (Seat memory);
    /// @notice Whether `account` holds a seat whose term runs and is an active member now.
    function inForce(address account) external view returns (bool);
}
